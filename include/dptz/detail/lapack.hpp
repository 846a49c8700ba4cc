// dptz — thin, overloaded LAPACKE wrappers (internal). Only compiled when DPTZ_HAS_LAPACKE is defined.
#ifndef DPTZ_DETAIL_LAPACK_HPP
#define DPTZ_DETAIL_LAPACK_HPP

#include <algorithm>
#include <complex>
#include <type_traits>

#include "scalar_traits.hpp"

namespace dptz {
namespace detail {

/// True when this build calls LAPACK for Scalar (LAPACK handles the standard scalar types).
template <typename Scalar>
constexpr bool lapackApplies() noexcept {
#ifdef DPTZ_HAS_LAPACKE
  return IsStandardScalar<Scalar>::value;
#else
  return false;
#endif
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

// ?sytrd / ?hetrd, lower triangle: A = Q T Q^*, Q = H(1)...H(n-1) with H(i) acting on rows i+1..n, so Q e_1 = e_1.
// d, e real (T is real symmetric also for complex A); tau and the reflectors stay in a for ?ormtr / ?unmtr.
inline Int sytrd(Int n, float* a, Int lda, float* d, float* e, float* tau, float* work, Int lwork) {
  return LAPACKE_ssytrd_work(LAPACK_COL_MAJOR, 'L', n, a, lda, d, e, tau, work, lwork);
}
inline Int sytrd(Int n, double* a, Int lda, double* d, double* e, double* tau, double* work, Int lwork) {
  return LAPACKE_dsytrd_work(LAPACK_COL_MAJOR, 'L', n, a, lda, d, e, tau, work, lwork);
}
inline Int sytrd(Int n, std::complex<float>* a, Int lda, float* d, float* e, std::complex<float>* tau,
                 std::complex<float>* work, Int lwork) {
  return LAPACKE_chetrd_work(LAPACK_COL_MAJOR, 'L', n, a, lda, d, e, tau, work, lwork);
}
inline Int sytrd(Int n, std::complex<double>* a, Int lda, double* d, double* e, std::complex<double>* tau,
                 std::complex<double>* work, Int lwork) {
  return LAPACKE_zhetrd_work(LAPACK_COL_MAJOR, 'L', n, a, lda, d, e, tau, work, lwork);
}
// ?ormtr / ?unmtr: C := Q C (side 'L', uplo 'L', trans 'N') with Q from sytrd above.
inline Int ormtr(Int m, Int n, const float* a, Int lda, const float* tau, float* c, Int ldc, float* work, Int lwork) {
  return LAPACKE_sormtr_work(LAPACK_COL_MAJOR, 'L', 'L', 'N', m, n, a, lda, tau, c, ldc, work,
                             lwork);
}
inline Int ormtr(Int m, Int n, const double* a, Int lda, const double* tau, double* c, Int ldc, double* work,
                 Int lwork) {
  return LAPACKE_dormtr_work(LAPACK_COL_MAJOR, 'L', 'L', 'N', m, n, a, lda, tau, c, ldc, work,
                             lwork);
}
inline Int ormtr(Int m, Int n, const std::complex<float>* a, Int lda, const std::complex<float>* tau,
                 std::complex<float>* c, Int ldc, std::complex<float>* work, Int lwork) {
  return LAPACKE_cunmtr_work(LAPACK_COL_MAJOR, 'L', 'L', 'N', m, n, a, lda, tau, c,
                             ldc, work, lwork);
}
inline Int ormtr(Int m, Int n, const std::complex<double>* a, Int lda, const std::complex<double>* tau,
                 std::complex<double>* c, Int ldc, std::complex<double>* work, Int lwork) {
  return LAPACKE_zunmtr_work(LAPACK_COL_MAJOR, 'L', 'L', 'N', m, n, a, lda, tau,
                             c, ldc, work, lwork);
}


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

// ---- updates (dptz/updates.hpp): BLAS ?gemm (not in LAPACKE), Fortran symbols ----------------------------------
#ifdef DPTZ_HAS_LAPACKE
extern "C" {
void dgemm_(const char* transa, const char* transb, const lapack_int* m, const lapack_int* n, const lapack_int* k,
            const double* alpha, const double* a, const lapack_int* lda, const double* b, const lapack_int* ldb,
            const double* beta, double* c, const lapack_int* ldc);
void sgemm_(const char* transa, const char* transb, const lapack_int* m, const lapack_int* n, const lapack_int* k,
            const float* alpha, const float* a, const lapack_int* lda, const float* b, const lapack_int* ldb,
            const float* beta, float* c, const lapack_int* ldc);
}
namespace dptz {
namespace detail {
namespace lapack {
// C := A B (column-major, no transposes): m x k times k x n.
inline void gemm(Int m, Int n, Int k, const double* a, Int lda, const double* b, Int ldb, double* c, Int ldc) {
  const double one = 1, zero = 0;
  dgemm_("N", "N", &m, &n, &k, &one, a, &lda, b, &ldb, &zero, c, &ldc);
}
inline void gemm(Int m, Int n, Int k, const float* a, Int lda, const float* b, Int ldb, float* c, Int ldc) {
  const float one = 1, zero = 0;
  sgemm_("N", "N", &m, &n, &k, &one, a, &lda, b, &ldb, &zero, c, &ldc);
}
}  // namespace lapack
}  // namespace detail
}  // namespace dptz
#endif  // DPTZ_HAS_LAPACKE


// ---- Jacobi matrices with zero diagonal (detail/jacobi_matrix.hpp) --------------------------------------------------
#ifdef DPTZ_HAS_LAPACKE
namespace dptz {
namespace detail {
namespace lapack {
// ?bdsqr without vectors (LAPACK then runs the dqds algorithm ?lasq1): singular values of the n x n upper bidiagonal
// matrix (diagonal d, superdiagonal e), d overwritten in decreasing order, e destroyed.
inline Int bdsqrValues(Int n, double* d, double* e) {
  return LAPACKE_dbdsqr(LAPACK_COL_MAJOR, 'U', n, 0, 0, 0, d, e, nullptr, 1, nullptr, 1, nullptr, 1);
}
inline Int bdsqrValues(Int n, float* d, float* e) {
  return LAPACKE_sbdsqr(LAPACK_COL_MAJOR, 'U', n, 0, 0, 0, d, e, nullptr, 1, nullptr, 1, nullptr, 1);
}
}  // namespace lapack
}  // namespace detail
}  // namespace dptz
#endif  // DPTZ_HAS_LAPACKE

#endif  // DPTZ_DETAIL_LAPACK_HPP
