// Fuzz target secular: the public secular-equation functions borderedEigenvalues, minorEigenvalues and
// rankOneEigenvalues against long double eigenvalues of the matrices they describe.
//
// Input: flags byte (bits 0-1 function: bordered, minor, rank-one; bit 2 raw (possibly unsorted) lambda; bit 3 a
// wrong-size z), n in [0, 8], lambda (Decoder::spectrum or raw values), z (values), then c or rho.
#include <dptz/updates.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace dptz_fuzz;
constexpr const char* kTarget = "secular";

bool ascendingFinite(const Vec<double>& x) {
  for (Index i = 0; i < x.size(); ++i)
    if (!std::isfinite(x(i)) || (i > 0 && x(i) < x(i - 1))) return false;
  return true;
}

/// Eigenvalues of the minor of Q diag(lambda) Q^T at a row whose |V|^2 is w (normalized): with H the Householder
/// reflector taking e_0 to v = sqrt(w), the minor is (H diag(lambda) H)[1:, 1:].
Vec<LongReal> minorReference(const Vec<double>& lambda, const Vec<double>& w) {
  const Index n = lambda.size();
  if (n <= 1) return Vec<LongReal>();  // the minor of a 1 x 1 matrix is empty (Eigen's solver asserts on 0 x 0)
  Vec<LongReal> v = w.cast<LongReal>();
  v /= v.sum();
  v = v.cwiseSqrt();
  Vec<LongReal> h = v;
  h(0) -= 1;  // H = I - 2 h h^T / h^T h maps e_0 to v (and v to e_0)
  Mat<LongReal> H = Mat<LongReal>::Identity(n, n);
  if (h.squaredNorm() > 0) H -= (2 / h.squaredNorm()) * h * h.transpose();
  const Mat<LongReal> B = H * lambda.cast<LongReal>().asDiagonal() * H;
  Eigen::SelfAdjointEigenSolver<Mat<LongReal>> es(B.bottomRightCorner(n - 1, n - 1), Eigen::EigenvaluesOnly);
  return es.eigenvalues();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Decoder in(data, size);
  const unsigned flags = in.byte();
  const int fn = int(flags & 3) % 3;
  const Index n = in.range(0, 8);
  Vec<double> lambda(n);
  if (flags & 4)
    for (Index i = 0; i < n; ++i) lambda(i) = in.value();
  else
    lambda = in.spectrum(n);
  const Index zSize = (flags & 8) ? n + 1 : n;
  Vec<double> z(zSize);
  for (Index i = 0; i < zSize; ++i) z(i) = in.value();
  const double c = in.value();
  describe("function", fn), describe("lambda", lambda), describe("z", z), describe("c or rho", c);
  // minorEigenvalues takes no c: a NaN there is not its input
  bool mustReject = !ascendingFinite(lambda) || zSize != n || !allFinite(z) || (fn != 1 && !std::isfinite(c));
  Vec<double> x;
  Outcome o;
  Mat<LongReal> M;  // the matrix whose eigenvalues x are
  LongReal scale = 0;
  const char* name;
  if (fn == 0) {
    name = "dptz::borderedEigenvalues";
    o = call(kTarget, name, [&] { x = dptz::borderedEigenvalues(lambda, z, c); });
    if (!mustReject) {
      M = Mat<LongReal>::Zero(n + 1, n + 1);
      for (Index i = 0; i < n; ++i) M(i, i) = lambda(i), M(i, n) = M(n, i) = std::fabs(z(i));
      M(n, n) = c;
    }
  } else if (fn == 1) {
    name = "dptz::minorEigenvalues";
    bool negative = false;
    for (Index i = 0; i < zSize; ++i) negative = negative || z(i) < 0;
    mustReject = mustReject || n == 0 || negative || !(z.sum() > 0);
    o = call(kTarget, name, [&] { x = dptz::minorEigenvalues(lambda, z); });
  } else {
    name = "dptz::rankOneEigenvalues";
    o = call(kTarget, name, [&] { x = dptz::rankOneEigenvalues(lambda, z, c); });
    if (!mustReject) {
      const Vec<LongReal> zl = z.cast<LongReal>();
      M = Mat<LongReal>(lambda.cast<LongReal>().asDiagonal()) + LongReal(c) * zl * zl.transpose();
    }
  }
  if (mustReject) {
    if (o != Outcome::Invalid) violation(kTarget, std::string(name) + ": bad input not rejected");
    return 0;
  }
  if (o == Outcome::Invalid) violation(kTarget, std::string(name) + ": valid input rejected");
  Vec<LongReal> ref;
  if (fn == 1) {
    // sum(z) may overflow to inf in double although the row is valid: the reference normalizes in long double.
    ref = minorReference(lambda, z);
    scale = lambda.size() ? std::max(std::fabs(LongReal(lambda(0))), std::fabs(LongReal(lambda(n - 1)))) : 0;
  } else {
    if (M.size() == 0) return 0;
    Eigen::SelfAdjointEigenSolver<Mat<LongReal>> es(M, Eigen::EigenvaluesOnly);
    if (es.info() != Eigen::Success) return 0;
    ref = es.eigenvalues();
    scale = M.cwiseAbs().rowwise().sum().maxCoeff();  // ||M||_inf >= ||M||_2
    // rank-one: backward stable with respect to the data, max(||diag(lambda)||, |rho| ||z||^2) as documented (the
    // sum can cancel: diag(-1, 0) + 0.25 [2, 1e-8]^T [2, 1e-8] has eigenvalues +-5e-9)
    if (fn == 2 && n > 0)
      scale = std::max({scale, std::fabs(LongReal(lambda(0))), std::fabs(LongReal(lambda(n - 1))),
                        std::fabs(LongReal(c)) * z.cast<LongReal>().squaredNorm()});
  }
  const LongReal refNorm = ref.size() ? std::max(std::fabs(ref(0)), std::fabs(ref(ref.size() - 1))) : 0;
  const bool representable = refNorm < LongReal(DBL_MAX) * (1 - 1e-10L);
  if (o == Outcome::Unrepresentable) {
    if (representable)
      violation(kTarget, std::string(name) + " threw NumericalError/overflow_error on representable eigenvalues (max " +
                             num(refNorm) + ")");
    return 0;
  }
  if (refNorm > LongReal(DBL_MAX) * (1 + 1e-10L))
    violation(kTarget, std::string(name) + " returned although an eigenvalue (" + num(refNorm) +
                           " in magnitude) is not representable: it must throw");
  if (x.size() != ref.size()) violation(kTarget, std::string(name) + ": result has the wrong size");
  if (!representable) return 0;
  checkEigenvalues(kTarget, name, x);
  // Backward stable roots: |x_i - ref_i| <= c n eps ||M||.
  const LongReal tol = 1e3L * LongReal(n + 1) * LongReal(kEps) * scale + 8 * LongReal(DBL_MIN);
  for (Index i = 0; i < ref.size(); ++i)
    if (!(std::fabs(LongReal(x(i)) - ref(i)) <= tol))
      violation(kTarget, std::string(name) + ": eigenvalue " + std::to_string(i) + " = " + num(x(i)) + ", reference " +
                             num(ref(i)) + ", beyond 1e3 (n + 1) eps ||M|| = " + num(tol));
  return 0;
}
