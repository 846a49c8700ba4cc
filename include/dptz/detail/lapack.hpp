// dptz — thin, overloaded LAPACKE wrappers (internal). Only compiled when DPTZ_HAS_LAPACKE is defined.
#ifndef DPTZ_DETAIL_LAPACK_HPP
#define DPTZ_DETAIL_LAPACK_HPP

#include <algorithm>
#include <complex>
#include <type_traits>

#include "../config.hpp"

namespace dptz {
namespace detail {

/// Scalar types LAPACK handles: float, double, std::complex<float>, std::complex<double>.
template <typename Scalar>
struct IsLapackScalar
    : std::integral_constant<bool, std::is_same<Scalar, float>::value || std::is_same<Scalar, double>::value ||
                                       std::is_same<Scalar, std::complex<float>>::value ||
                                       std::is_same<Scalar, std::complex<double>>::value> {};

template <typename Scalar>
constexpr bool lapackApplies() noexcept {
  return hasLapack() && IsLapackScalar<Scalar>::value;
}

}  // namespace detail
}  // namespace dptz

#ifdef DPTZ_HAS_LAPACKE

// std::complex is layout-compatible with LAPACK's complex types; say so before lapacke.h picks C99 _Complex.
#ifndef lapack_complex_float
#define lapack_complex_float std::complex<float>
#endif
#ifndef lapack_complex_double
#define lapack_complex_double std::complex<double>
#endif
#include <lapacke.h>

namespace dptz {
namespace detail {
namespace lapack {

using Int = lapack_int;

// ?syevd / ?heevd, column-major, lower triangle, workspace supplied by the caller (see SyevdWork).
inline Int syevdWork(char jobz, Int n, float* a, Int lda, float* w, float* work, Int lwork, float*, Int, Int* iwork,
                     Int liwork) {
  return LAPACKE_ssyevd_work(LAPACK_COL_MAJOR, jobz, 'L', n, a, lda, w, work, lwork, iwork, liwork);
}
inline Int syevdWork(char jobz, Int n, double* a, Int lda, double* w, double* work, Int lwork, double*, Int,
                     Int* iwork, Int liwork) {
  return LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, jobz, 'L', n, a, lda, w, work, lwork, iwork, liwork);
}
inline Int syevdWork(char jobz, Int n, std::complex<float>* a, Int lda, float* w, std::complex<float>* work, Int lwork,
                     float* rwork, Int lrwork, Int* iwork, Int liwork) {
  return LAPACKE_cheevd_work(LAPACK_COL_MAJOR, jobz, 'L', n, a, lda, w, work, lwork, rwork, lrwork, iwork, liwork);
}
inline Int syevdWork(char jobz, Int n, std::complex<double>* a, Int lda, double* w, std::complex<double>* work,
                     Int lwork, double* rwork, Int lrwork, Int* iwork, Int liwork) {
  return LAPACKE_zheevd_work(LAPACK_COL_MAJOR, jobz, 'L', n, a, lda, w, work, lwork, rwork, lrwork, iwork, liwork);
}

// ?sterf: eigenvalues of a symmetric tridiagonal matrix (d overwritten ascending, e destroyed).
inline Int sterf(Int n, float* d, float* e) { return LAPACKE_ssterf(n, d, e); }
inline Int sterf(Int n, double* d, double* e) { return LAPACKE_dsterf(n, d, e); }


/// ?syevd / ?heevd with workspace kept between calls of the same size (minors are solved by the thousand).
template <typename Scalar>
class Syevd {
 public:
  using Real = typename Eigen::NumTraits<Scalar>::Real;

  /// Eigenvalues (and, for jobz = 'V', eigenvectors in place of a) of the lower triangle of the n x n
  /// column-major matrix at a. Returns LAPACK's info.
  Int compute(char jobz, Int n, Scalar* a, Int lda, Real* w) {
    if (n == 0) return 0;
    if (n != m_n || jobz != m_jobz) query(jobz, n, a, lda, w);
    return syevdWork(jobz, n, a, lda, w, m_work.data(), Int(m_work.size()), m_rwork.data(), Int(m_rwork.size()),
                     m_iwork.data(), Int(m_iwork.size()));
  }

 private:
  void query(char jobz, Int n, Scalar* a, Int lda, Real* w) {
    Scalar work{};
    Real rwork{};
    Int iwork{};
    syevdWork(jobz, n, a, lda, w, &work, -1, &rwork, -1, &iwork, -1);
    m_work.resize(std::max<Index>(1, Index(std::real(work))));
    m_rwork.resize(std::max<Index>(1, Index(rwork)));
    m_iwork.resize(std::max<Index>(1, Index(iwork)));
    m_n = n;
    m_jobz = jobz;
  }

  using Index = Eigen::Index;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> m_work;
  Eigen::Matrix<Real, Eigen::Dynamic, 1> m_rwork;
  Eigen::Matrix<Int, Eigen::Dynamic, 1> m_iwork;
  Int m_n = -1;
  char m_jobz = 0;
};

}  // namespace lapack
}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_HAS_LAPACKE

#endif  // DPTZ_DETAIL_LAPACK_HPP
