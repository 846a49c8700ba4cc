// Shared pieces of the fuzz harnesses: a decoder that turns bytes into sizes, doubles biased towards the extremes,
// spectra and exactly Hermitian matrices; long double references; the contract checks. Every violation prints what
// was violated and aborts (libFuzzer then saves the input; the replay driver fails its ctest).
//
// Byte format (tests/fuzz/make_seeds.py writes the same format):
//   value():  tag byte t;  t < 0x20: kSpecials[t];  t < 0x80: (t - 0x50) / 4;  t >= 0x80: the next 8 bytes are a
//             little-endian IEEE double.  Missing bytes read as 0.
//   gap(s):   tag byte t;  t < 0x10: 0;  t < 0x40: (t - 0x10) eps s;  t < 0x80: s 2^-(t - 0x40);  else |value()|.
#ifndef DPTZ_FUZZ_COMMON_HPP
#define DPTZ_FUZZ_COMMON_HPP

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Dense>

#include <dptz/types.hpp>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DPTZ_FUZZ_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(DPTZ_FUZZ_SANITIZED)
#define DPTZ_FUZZ_SANITIZED 1
#endif
#ifdef DPTZ_FUZZ_SANITIZED
#include <sanitizer/common_interface_defs.h>
#endif

namespace dptz_fuzz {

using Index = Eigen::Index;
using LongReal = long double;
template <typename Scalar>
using Real = typename Eigen::NumTraits<Scalar>::Real;
template <typename Scalar>
using Mat = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
template <typename Scalar>
using Vec = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

constexpr double kEps = std::numeric_limits<double>::epsilon();

// ---- violations ---------------------------------------------------------------------------------------------------

/// The decoded input, described by the harness as it decodes (printed with every violation).
inline std::string& context() {
  static std::string text;
  return text;
}

[[noreturn]] inline void violation(const char* target, const std::string& what) {
  std::fprintf(stderr, "\n*** dptz fuzz contract violation [%s]: %s\ninput: %s\n", target, what.c_str(),
               context().c_str());
  std::fflush(stderr);
  std::abort();
}

inline std::string num(LongReal x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17Lg", x);
  return buf;
}

// ---- the decoder --------------------------------------------------------------------------------------------------

inline const double kSpecials[32] = {0.0,
                                     -0.0,
                                     1.0,
                                     -1.0,
                                     std::numeric_limits<double>::quiet_NaN(),
                                     std::numeric_limits<double>::infinity(),
                                     -std::numeric_limits<double>::infinity(),
                                     DBL_MAX,
                                     -DBL_MAX,
                                     DBL_MIN,
                                     -DBL_MIN,
                                     std::numeric_limits<double>::denorm_min(),
                                     -std::numeric_limits<double>::denorm_min(),
                                     1e300,
                                     -1e300,
                                     1e-300,
                                     -1e-300,
                                     1e-310,
                                     1.0 + kEps,
                                     1.0 - kEps / 2,
                                     2.0,
                                     0.5,
                                     1e154,
                                     1e-154,
                                     1e-16,
                                     1e16,
                                     DBL_MAX / 2,
                                     0x1p-1022 * 0x1p-30,
                                     1e-8,
                                     1e308,
                                     -1e-320,
                                     3.0};

class Decoder {
 public:
  Decoder(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) {
    context().clear();
#ifdef DPTZ_FUZZ_SANITIZED
    // A sanitizer report (e.g. UBSan's signed overflow) ends the process too: print the decoded input then.
    static const bool registered = (__sanitizer_set_death_callback(
                                        [] { std::fprintf(stderr, "input: %s\n", context().c_str()); }),
                                    true);
    (void)registered;
#endif
  }

  std::uint8_t byte() { return m_pos < m_size ? m_data[m_pos++] : std::uint8_t(0); }
  bool flag() { return (byte() & 1) != 0; }
  /// lo + byte % (hi - lo + 1).
  int range(int lo, int hi) { return lo + int(byte() % unsigned(hi - lo + 1)); }
  bool exhausted() const { return m_pos >= m_size; }

  double value() {
    const std::uint8_t t = byte();
    if (t < 0x20) return kSpecials[t];
    if (t < 0x80) return (int(t) - 0x50) / 4.0;
    std::uint64_t bits = 0;
    for (int k = 0; k < 8; ++k) bits |= std::uint64_t(byte()) << (8 * k);
    double x;
    std::memcpy(&x, &bits, sizeof x);
    return x;
  }

  template <typename Scalar>
  Scalar scalar() {
    if constexpr (Eigen::NumTraits<Scalar>::IsComplex) {
      const double re = value(), im = value();
      return Scalar(Real<Scalar>(re), Real<Scalar>(im));
    } else {
      return Scalar(value());
    }
  }

  /// A non-negative gap relative to scale s (>= 0): 0, a few eps s, s 2^-k, or a raw magnitude.
  double gap(double s) {
    const std::uint8_t t = byte();
    if (t < 0x10) return 0.0;
    if (t < 0x40) return (t - 0x10) * kEps * s;
    if (t < 0x80) return std::ldexp(s, -(t - 0x40));
    return std::fabs(value());
  }

  /// n values, ascending by construction (may reach +inf if the gaps overflow: callers check finiteness).
  Vec<double> spectrum(Index n) {
    Vec<double> x(n);
    if (n == 0) return x;
    x(0) = value();
    const double s = std::isfinite(x(0)) && x(0) != 0.0 ? std::fabs(x(0)) : 1.0;
    for (Index k = 1; k < n; ++k) x(k) = x(k - 1) + gap(s);
    return x;
  }

  /// n - 1 values interlacing lambda: mu_k in [lambda_k, lambda_{k+1}].
  Vec<double> interlacing(const Vec<double>& lambda) {
    const Index n = lambda.size();
    Vec<double> mu(n > 0 ? n - 1 : 0);
    for (Index k = 0; k + 1 < n; ++k) {
      const double lo = lambda(k), hi = lambda(k + 1);
      const std::uint8_t t = byte();
      double m;
      if (t == 0)
        m = lo;
      else if (t == 255)
        m = hi;
      else if (t == 1)
        m = std::nextafter(lo, hi);
      else if (t == 254)
        m = std::nextafter(hi, lo);
      else {
        const double f = t / 255.0;
        m = lo * (1 - f) + hi * f;
        if (!std::isfinite(m)) m = lo / 2 * (1 - f) * 2 + hi / 2 * f * 2;
      }
      mu(k) = std::isfinite(lo) && std::isfinite(hi) ? std::min(std::max(m, lo), hi) : m;
    }
    return mu;
  }

  /// A matrix of size n; exact = whether it is exactly Hermitian (finite or not). Modes: raw Hermitian lower
  /// triangle; raw full matrix (not necessarily Hermitian); diagonal of a spectrum with repeats; Householder
  /// Q diag(lambda) Q^*; a spectrum with 2x2 couplings (nearly repeated pairs); Hermitian small entries scaled by 2^e.
  template <typename Scalar>
  Mat<Scalar> matrix(Index n, bool& exact) {
    using R = Real<Scalar>;
    Mat<Scalar> A = Mat<Scalar>::Zero(n, n);
    exact = true;
    const int mode = range(0, 5);
    switch (mode) {
      case 0:
      case 5: {
        const int e = mode == 5 ? int(std::int8_t(byte())) * 8 : 0;
        for (Index c = 0; c < n; ++c)
          for (Index r = c; r < n; ++r) {
            Scalar x = scalar<Scalar>();
            if (r == c) x = Scalar(Eigen::numext::real(x));
            if (mode == 5) x = scaledBy(x, e);
            A(r, c) = x;
            A(c, r) = Eigen::numext::conj(x);
          }
        break;
      }
      case 1:
        for (Index c = 0; c < n; ++c)
          for (Index r = 0; r < n; ++r) A(r, c) = scalar<Scalar>();
        exact = false;
        break;
      case 2: {
        const Vec<double> d = spectrum(n);
        const Index shift = n > 0 ? Index(byte()) % n : 0;
        for (Index k = 0; k < n; ++k) A((k + shift) % n, (k + shift) % n) = Scalar(R(d(k)));
        break;
      }
      case 3: {
        const Vec<double> d = spectrum(n);
        Vec<Scalar> v(n);
        for (Index k = 0; k < n; ++k) v(k) = Scalar(R((int(byte()) - 128) / 16.0));
        if constexpr (Eigen::NumTraits<Scalar>::IsComplex)
          for (Index k = 0; k < n; ++k) v(k) += imagPart<Scalar>(R((int(byte()) - 128) / 16.0));
        const R vv = v.squaredNorm();
        Mat<Scalar> Q = Mat<Scalar>::Identity(n, n);
        if (vv > R(0)) Q -= (R(2) / vv) * v * v.adjoint();
        const Mat<Scalar> B = Q * d.cast<R>().template cast<Scalar>().asDiagonal() * Q.adjoint();
        for (Index c = 0; c < n; ++c)
          for (Index r = c; r < n; ++r) {
            const Scalar x = r == c ? Scalar(Eigen::numext::real(B(r, c))) : B(r, c);
            A(r, c) = x;
            A(c, r) = Eigen::numext::conj(x);
          }
        break;
      }
      case 4: {
        const Vec<double> d = spectrum(n);
        for (Index k = 0; k < n; ++k) A(k, k) = Scalar(R(d(k)));
        for (Index k = 0; k + 1 < n; k += 2) {
          if (!flag()) continue;
          const Scalar x = scalar<Scalar>();
          A(k + 1, k) = x;
          A(k, k + 1) = Eigen::numext::conj(x);
        }
        break;
      }
    }
    return A;
  }

 private:
  template <typename Scalar>
  static Scalar scaledBy(const Scalar& x, int e) {
    if constexpr (Eigen::NumTraits<Scalar>::IsComplex)
      return Scalar(std::ldexp(x.real(), e), std::ldexp(x.imag(), e));
    else
      return std::ldexp(x, e);
  }

  template <typename Scalar>
  static Scalar imagPart(Real<Scalar> y) {
    if constexpr (Eigen::NumTraits<Scalar>::IsComplex)
      return Scalar(Real<Scalar>(0), y);
    else
      return (void)y, Scalar(0);
  }

  const std::uint8_t* m_data;
  std::size_t m_size;
  std::size_t m_pos = 0;
};

// ---- classification of inputs -------------------------------------------------------------------------------------

template <typename Derived>
bool allFinite(const Eigen::MatrixBase<Derived>& A) {
  for (Index c = 0; c < A.cols(); ++c)
    for (Index r = 0; r < A.rows(); ++r) {
      const auto x = A.coeff(r, c);
      if (!std::isfinite(double(Eigen::numext::real(x))) || !std::isfinite(double(Eigen::numext::imag(x))))
        return false;
    }
  return true;
}

template <typename Derived>
bool exactlyHermitian(const Eigen::MatrixBase<Derived>& A) {
  for (Index c = 0; c < A.cols(); ++c)
    for (Index r = c; r < A.rows(); ++r)
      if (!(A.coeff(r, c) == Eigen::numext::conj(A.coeff(c, r)))) return false;
  return true;
}

// ---- outcomes of a call -------------------------------------------------------------------------------------------

enum class Outcome { Ok, Invalid, Unrepresentable };

inline bool startsWith(const char* s, const char* prefix) { return std::strncmp(s, prefix, std::strlen(prefix)) == 0; }

/// Runs f; std::invalid_argument must start with `prefix` (the function's name), dptz::NumericalError and
/// std::overflow_error with "dptz::"; anything else thrown is a violation.
template <typename F>
Outcome call(const char* target, const char* prefix, F&& f) {
  try {
    f();
    return Outcome::Ok;
  } catch (const std::invalid_argument& e) {
    if (!startsWith(e.what(), prefix))
      violation(target, std::string("std::invalid_argument message does not start with \"") + prefix + "\": " + e.what());
    return Outcome::Invalid;
  } catch (const dptz::NumericalError& e) {
    if (!startsWith(e.what(), "dptz::"))
      violation(target, std::string("dptz::NumericalError message does not start with \"dptz::\": ") + e.what());
    return Outcome::Unrepresentable;
  } catch (const std::overflow_error& e) {
    if (!startsWith(e.what(), "dptz::"))
      violation(target, std::string("std::overflow_error message does not start with \"dptz::\": ") + e.what());
    return Outcome::Unrepresentable;
  } catch (const std::exception& e) {
    violation(target, std::string("unexpected exception type: ") + e.what());
  }
}

// ---- long double references ---------------------------------------------------------------------------------------

/// Eigenvalues (ascending) and |V|^2 of A in long double (Eigen's solver; its error is ~1e-19 ||A|| / gap).
template <typename Scalar>
struct Reference {
  using LScalar = typename std::conditional<Eigen::NumTraits<Scalar>::IsComplex, std::complex<LongReal>, LongReal>::type;
  Vec<LongReal> lambda;
  Mat<LongReal> abs2;
  bool ok = false;

  template <typename Derived>
  explicit Reference(const Eigen::MatrixBase<Derived>& A, bool vectors = true) {
    const Mat<LScalar> L = A.template cast<LScalar>();
    Eigen::SelfAdjointEigenSolver<Mat<LScalar>> es(L, vectors ? Eigen::ComputeEigenvectors : Eigen::EigenvaluesOnly);
    ok = es.info() == Eigen::Success;
    if (!ok) return;
    lambda = es.eigenvalues();
    if (vectors) abs2 = es.eigenvectors().cwiseAbs2();
  }

  LongReal norm() const { return lambda.size() ? std::max(std::fabs(lambda(0)), std::fabs(lambda(lambda.size() - 1))) : 0; }
  /// Every eigenvalue fits in double with room for the solver's rounding; `clearlyNot`: some eigenvalue is beyond.
  bool representable() const { return norm() < LongReal(DBL_MAX) * (1 - 1e-10L); }
  bool clearlyUnrepresentable() const { return norm() > LongReal(DBL_MAX) * (1 + 1e-10L); }
};

/// Groups of the reference spectrum separated by more than `sep`: [first, last] index pairs with the distance to
/// the nearest eigenvalue outside (inf when none).
struct Group {
  Index first, last;
  LongReal outsideGap;
};

inline std::vector<Group> groups(const Vec<LongReal>& lambda, LongReal sep) {
  std::vector<Group> out;
  const Index n = lambda.size();
  for (Index i = 0; i < n; ++i) {
    if (i > 0 && lambda(i) - lambda(i - 1) <= sep)
      out.back().last = i;
    else
      out.push_back(Group{i, i, std::numeric_limits<LongReal>::infinity()});
  }
  for (Group& g : out) {
    if (g.first > 0) g.outsideGap = std::min(g.outsideGap, lambda(g.first) - lambda(g.first - 1));
    if (g.last + 1 < n) g.outsideGap = std::min(g.outsideGap, lambda(g.last + 1) - lambda(g.last));
  }
  return out;
}

// ---- contract checks ----------------------------------------------------------------------------------------------

/// Every entry finite and in [0, 1].
template <typename Derived>
void checkEntries(const char* target, const char* what, const Eigen::MatrixBase<Derived>& W) {
  for (Index c = 0; c < W.cols(); ++c)
    for (Index r = 0; r < W.rows(); ++r) {
      const double w = double(W.coeff(r, c));
      if (!(w >= 0.0 && w <= 1.0))
        violation(target, std::string(what) + ": |V|^2 entry (" + std::to_string(r) + ", " + std::to_string(c) +
                              ") = " + num(w) + " is not in [0, 1]");
    }
}

/// Row sums (rows = true) or column sums within tol of 1.
template <typename Derived>
void checkSums(const char* target, const char* what, const Eigen::MatrixBase<Derived>& W, bool rows, double tol) {
  const Index count = rows ? W.rows() : W.cols();
  for (Index k = 0; k < count; ++k) {
    LongReal s = 0;
    const Index len = rows ? W.cols() : W.rows();
    for (Index m = 0; m < len; ++m) s += rows ? W.coeff(k, m) : W.coeff(m, k);
    if (!(std::fabs(s - 1) <= tol))
      violation(target, std::string(what) + ": " + (rows ? "row " : "column ") + std::to_string(k) + " of |V|^2 sums to " +
                            num(s) + " (tolerance " + num(tol) + ")");
  }
}

/// Column sums of |V|^2 on the all-rows paths (and rows and columns of the 2x2 / 3x3 paths): the documented
/// invariant "columns sum to 1", to rounding over n entries.
inline double allRowsSumTolerance(Index n) { return 1e-11 * double(n) + 1e-13; }

/// Row sums of |V|^2 (every path): the documented accuracy of the projector diagonals. Each group of eigenvalues
/// closer than 1e-8 ||A|| contributes 1e3 n eps ||A|| / (its gap to the nearest eigenvalue outside); rows are not
/// checked where that sum exceeds 1/2 (the spectrum is one group).
template <typename Derived>
void checkRowSums(const char* target, const char* what, const Eigen::MatrixBase<Derived>& W, const Vec<LongReal>& lambda) {
  const Index n = lambda.size();
  if (n == 0) return;
  const LongReal norm = std::max(std::fabs(lambda(0)), std::fabs(lambda(n - 1)));
  if (!(norm > 0)) return;
  LongReal tol = 1e-12L;
  for (const Group& g : groups(lambda, 1e-8L * norm)) tol += 1e3L * LongReal(n) * LongReal(kEps) * norm / g.outsideGap;
  if (tol < 0.5L) checkSums(target, what, W, true, double(tol));
}

/// Ascending, finite eigenvalues.
template <typename Derived>
void checkEigenvalues(const char* target, const char* what, const Eigen::MatrixBase<Derived>& lambda) {
  for (Index i = 0; i < lambda.size(); ++i) {
    if (!std::isfinite(double(lambda.coeff(i))))
      violation(target, std::string(what) + ": eigenvalue " + std::to_string(i) + " = " + num(lambda.coeff(i)) +
                            " is not finite although every eigenvalue is representable");
    if (i > 0 && lambda.coeff(i) < lambda.coeff(i - 1))
      violation(target, std::string(what) + ": eigenvalues not ascending at " + std::to_string(i));
  }
}

/// Eigenvalues against the long double reference: |lambda_i - ref_i| <= c n eps ||A|| (backward stable solvers:
/// Weyl's inequality).
template <typename Derived>
void checkEigenvaluesAccurate(const char* target, const char* what, const Eigen::MatrixBase<Derived>& lambda,
                              const Vec<LongReal>& ref, LongReal factor = 64) {
  const LongReal norm = ref.size() ? std::max(std::fabs(ref(0)), std::fabs(ref(ref.size() - 1))) : 0;
  const LongReal tol = factor * LongReal(ref.size()) * LongReal(kEps) * norm + LongReal(4) * LongReal(DBL_MIN);
  for (Index i = 0; i < ref.size(); ++i)
    if (!(std::fabs(LongReal(lambda.coeff(i)) - ref(i)) <= tol))
      violation(target, std::string(what) + ": eigenvalue " + std::to_string(i) + " = " + num(lambda.coeff(i)) +
                            ", reference " + num(ref(i)) + ", beyond " + num(factor) + " n eps ||A|| = " + num(tol));
}

/// Rows `rows` of |V|^2 (W(r, i) = |v_i(rows[r])|^2) against the reference, summed over groups of eigenvalues
/// closer than 1e-8 ||A|| (individual entries there are ill conditioned): the group's projector diagonal has error
/// <= c n max(eps ||A||, denorm_min) / (gap to the rest). Groups where that bound exceeds 1/2 are not checked (no information).
template <typename Derived>
void checkAbs2Accurate(const char* target, const char* what, const Eigen::MatrixBase<Derived>& W,
                       const std::vector<Index>& rows, const Vec<LongReal>& refLambda, const Mat<LongReal>& refAbs2) {
  const Index n = refLambda.size();
  const LongReal norm = std::max(std::fabs(refLambda(0)), std::fabs(refLambda(n - 1)));
  if (!(norm > 0)) return;
  // The resolution of the spectrum: eps ||A||, or one unit of the subnormal grid where ||A|| is that small (the
  // eigenvalues are returned, and clustered, in the caller's units).
  const LongReal unit =
      std::max(LongReal(kEps) * norm, LongReal(std::numeric_limits<typename Derived::Scalar>::denorm_min()));
  for (const Group& g : groups(refLambda, LongReal(1e-8) * norm)) {
    const LongReal tol = LongReal(1e3) * LongReal(n) * unit / g.outsideGap + LongReal(1e-14);
    if (!(tol < LongReal(0.5))) continue;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      LongReal got = 0, want = 0;
      for (Index i = g.first; i <= g.last; ++i) got += W.coeff(Index(r), i), want += refAbs2(rows[r], i);
      if (!(std::fabs(got - want) <= tol))
        violation(target, std::string(what) + ": row " + std::to_string(rows[r]) + ", eigenvalues " +
                              std::to_string(g.first) + ".." + std::to_string(g.last) + ": sum of |V|^2 = " + num(got) +
                              ", reference " + num(want) + ", error beyond 1e3 n eps ||A|| / gap = " + num(tol));
    }
  }
}

/// Appends "name = [x0, x1, ...]" (17 digits, enough to reproduce every double) to the context.
template <typename Derived>
void describe(const char* name, const Eigen::MatrixBase<Derived>& x) {
  std::string& out = context();
  out += std::string(name) + " = [";
  for (Index c = 0; c < x.cols(); ++c) {
    if (c > 0) out += "; ";
    for (Index r = 0; r < x.rows(); ++r) {
      if (r > 0) out += ", ";
      const auto v = x.coeff(r, c);
      out += num(LongReal(Eigen::numext::real(v)));
      if constexpr (Eigen::NumTraits<typename Derived::Scalar>::IsComplex) out += "+" + num(LongReal(Eigen::numext::imag(v))) + "i";
    }
  }
  out += "] ";
}
inline void describe(const char* name, double x) { context() += std::string(name) + " = " + num(x) + " "; }
inline void describe(const char* text) { context() += std::string(text) + " "; }

/// Hex of the bytes of a double, for messages that must reproduce exact inputs.
inline std::string bits(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(b));
  return buf;
}

/// Bitwise equality of two Eigen objects (sizes and bytes): the strong guarantee.
template <typename A, typename B>
bool sameBits(const A& x, const B& y) {
  if (x.rows() != y.rows() || x.cols() != y.cols()) return false;
  return x.size() == 0 || std::memcmp(x.data(), y.data(), sizeof(typename A::Scalar) * std::size_t(x.size())) == 0;
}

}  // namespace dptz_fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

#endif  // DPTZ_FUZZ_COMMON_HPP
