// Fuzz target tridiagonal: tridiagonalEigenvectorsAbs2 (rows of |V|^2 of a Jacobi matrix), gaussQuadrature on
// arbitrary recurrences, and the classical rules gaussLegendre / gaussHermite / gaussLaguerre / gaussJacobi.
//
// Input: flags byte (bits 0-1: rows, gaussQuadrature, classical; bits 2-3 backend; bit 4 explicit cluster
// tolerance; bit 5 alpha all zero). rows / gaussQuadrature: n in [1, 12], alpha, beta (values), then the tolerance or
// mu0, then a count in [0, 4] and that many signed row indices. classical: family byte, n (two bytes, [1, 400]),
// then a and b.
#include <dptz/quadrature.hpp>
#include <dptz/tridiagonal.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace dptz_fuzz;
constexpr const char* kTarget = "tridiagonal";

Mat<LongReal> jacobiMatrix(const Vec<double>& alpha, const Vec<double>& beta) {
  const Index n = alpha.size();
  Mat<LongReal> J = Mat<LongReal>::Zero(n, n);
  for (Index k = 0; k < n; ++k) J(k, k) = alpha(k);
  for (Index k = 0; k + 1 < n; ++k) J(k + 1, k) = J(k, k + 1) = std::fabs(LongReal(beta(k)));
  return J;
}

dptz::Backend backendOf(unsigned flags) {
  const int code = int((flags >> 2) & 3);
  return code == 1 ? dptz::Backend::Eigen : code == 2 ? dptz::Backend::Lapack : dptz::Backend::Default;
}

void rowsOf(Decoder& in, unsigned flags, const Vec<double>& alpha, const Vec<double>& beta, bool finite) {
  const Index n = alpha.size();
  dptz::Abs2Options opt;
  opt.backend = backendOf(flags);
  opt.threads = 1;
  if (flags & 16) opt.clusterTolerance = in.value();
  std::vector<Index> rows;
  bool badIndex = false;
  const int count = in.range(0, 4);
  for (int k = 0; k < count; ++k) {
    const Index j = Index(std::int8_t(in.byte())) % (n + 2);
    badIndex = badIndex || j < 0 || j >= n;
    rows.push_back(j);
  }
  describe("rows", Eigen::Map<const Eigen::Matrix<Index, Eigen::Dynamic, 1>>(rows.data(), Index(rows.size())).cast<double>().eval());
  describe("clusterTolerance", opt.clusterTolerance), describe("backend", double((flags >> 2) & 3));
  const bool mustReject = !finite || badIndex || std::isnan(opt.clusterTolerance) ||
                          (opt.backend == dptz::Backend::Lapack && !dptz::hasLapack());
  Mat<double> W;
  const Outcome o = call(kTarget, "dptz::tridiagonalEigenvectorsAbs2",
                         [&] { W = dptz::tridiagonalEigenvectorsAbs2(alpha, beta, rows, opt); });
  if (mustReject) {
    if (o != Outcome::Invalid) violation(kTarget, "tridiagonalEigenvectorsAbs2: bad input not rejected");
    return;
  }
  if (o != Outcome::Ok) violation(kTarget, "tridiagonalEigenvectorsAbs2: valid input not accepted (|V|^2 is representable)");
  if (W.rows() != Index(rows.size()) || W.cols() != n) violation(kTarget, "tridiagonalEigenvectorsAbs2: wrong size");
  checkEntries(kTarget, "tridiagonalEigenvectorsAbs2", W);
  Eigen::SelfAdjointEigenSolver<Mat<LongReal>> es(jacobiMatrix(alpha, beta));
  if (es.info() != Eigen::Success) return;
  const Vec<LongReal> lambda = es.eigenvalues();
  // Row sums: the accuracy of the projector diagonals at the default tolerance; sqrt(eps) (the documented bound,
  // beyond which the function recomputes) with an explicit one, whose wider clusters assume their minor
  // eigenvalues pinned inside them.
  if (opt.clusterTolerance < 0)
    checkRowSums(kTarget, "tridiagonalEigenvectorsAbs2", W, lambda);
  else
    checkSums(kTarget, "tridiagonalEigenvectorsAbs2", W, true, std::sqrt(kEps));
  if (opt.clusterTolerance < 0)
    checkAbs2Accurate(kTarget, "tridiagonalEigenvectorsAbs2", W, rows, lambda, Mat<LongReal>(es.eigenvectors().cwiseAbs2()));
}

void quadrature(Decoder& in, unsigned flags, const Vec<double>& alpha, const Vec<double>& beta, bool finite) {
  const Index n = alpha.size();
  const double mu0 = in.value();
  const dptz::Backend backend = backendOf(flags);
  describe("mu0", mu0), describe("backend", double((flags >> 2) & 3));
  bool positive = true;
  for (Index k = 0; k + 1 < n; ++k) positive = positive && beta(k) > 0;
  const bool mustReject = !finite || !positive || !(std::isfinite(mu0) && mu0 > 0) ||
                          (backend == dptz::Backend::Lapack && !dptz::hasLapack());
  dptz::QuadratureRule<double> rule;
  const Outcome o = call(kTarget, "dptz::gaussQuadrature", [&] { rule = dptz::gaussQuadrature(alpha, beta, mu0, backend); });
  if (mustReject) {
    if (o != Outcome::Invalid) violation(kTarget, "gaussQuadrature: bad input not rejected");
    return;
  }
  if (o == Outcome::Invalid) violation(kTarget, "gaussQuadrature: valid input rejected");
  Eigen::SelfAdjointEigenSolver<Mat<LongReal>> es(jacobiMatrix(alpha, beta));
  if (es.info() != Eigen::Success) return;
  const Vec<LongReal> lambda = es.eigenvalues();
  const LongReal norm = std::max(std::fabs(lambda(0)), std::fabs(lambda(n - 1)));
  const bool representable = norm < LongReal(DBL_MAX) * (1 - 1e-10L);
  if (o == Outcome::Unrepresentable) {
    if (representable) violation(kTarget, "gaussQuadrature threw NumericalError/overflow_error on representable nodes");
    return;
  }
  if (norm > LongReal(DBL_MAX) * (1 + 1e-10L))
    violation(kTarget, "gaussQuadrature returned although a node (" + num(norm) + " in magnitude) is not representable");
  if (!representable) return;
  if (rule.nodes.size() != n || rule.weights.size() != n) violation(kTarget, "gaussQuadrature: wrong sizes");
  checkEigenvalues(kTarget, "gaussQuadrature nodes", rule.nodes);
  checkEigenvaluesAccurate(kTarget, "gaussQuadrature nodes", rule.nodes, lambda);
  LongReal sum = 0;
  for (Index i = 0; i < n; ++i) {
    if (!(rule.weights(i) >= 0 && std::isfinite(rule.weights(i))))
      violation(kTarget, "gaussQuadrature: weight " + std::to_string(i) + " = " + num(rule.weights(i)));
    sum += rule.weights(i);
  }
  const LongReal sumTol = 1e-12L * LongReal(n) * LongReal(mu0) + 4 * LongReal(n) * LongReal(DBL_MIN);
  if (!(std::fabs(sum - LongReal(mu0)) <= sumTol))
    violation(kTarget, "gaussQuadrature: weights sum to " + num(sum) + ", mu0 = " + num(mu0));
  // Weights carry mu0's exponent: below ~1e-290 they are subnormal and hold fewer bits than the reference.
  if (norm > 0 && mu0 > 1e-290)
    checkAbs2Accurate(kTarget, "gaussQuadrature weights / mu0", (rule.weights / mu0).transpose(), {0}, lambda,
                      Mat<LongReal>(es.eigenvectors().cwiseAbs2()));
}

void classical(Decoder& in) {
  const int family = in.range(0, 3);
  const Index n = 1 + Index((in.byte() | (in.byte() << 8)) % 400);
  const double a = family >= 2 ? in.value() : 0.0, b = family == 3 ? in.value() : 0.0;
  describe("family", family), describe("n", double(n)), describe("a", a), describe("b", b);
  const bool mustReject = !(std::isfinite(a) && a > -1) || !(std::isfinite(b) && b > -1);
  static const char* const names[] = {"dptz::gaussLegendre", "dptz::gaussHermite", "dptz::gaussLaguerre",
                                      "dptz::gaussJacobi"};
  dptz::QuadratureRule<double> rule;
  const Outcome o = call(kTarget, names[family], [&] {
    rule = family == 0   ? dptz::gaussLegendre(n)
           : family == 1 ? dptz::gaussHermite(n)
           : family == 2 ? dptz::gaussLaguerre(n, a)
                         : dptz::gaussJacobi(n, a, b);
  });
  const std::string name = names[family];
  if (mustReject) {
    if (o != Outcome::Invalid) violation(kTarget, name + ": bad parameter not rejected");
    return;
  }
  if (o == Outcome::Invalid) violation(kTarget, name + ": valid parameters rejected");
  // mu0 = integral of the weight function.
  const LongReal logMu0 = family == 0   ? std::log(2.0L)
                          : family == 1 ? 0.5L * std::log(3.14159265358979323846264338327950288L)
                          : family == 2 ? std::lgamma(LongReal(a) + 1)
                                        : (LongReal(a) + b + 1) * std::log(2.0L) + std::lgamma(LongReal(a) + 1) +
                                              std::lgamma(LongReal(b) + 1) - std::lgamma(LongReal(a) + b + 2);
  // The long double lgamma differences lose ~1e-19 a log a: a reference for mu0 only up to 1e6.
  const bool known = std::fabs(a) < 1e6 && std::fabs(b) < 1e6;
  const bool representable = known && logMu0 < std::log(LongReal(DBL_MAX)) - 1e-6L;
  // Legendre and Hermite rules, and Jacobi rules with a = b >= 0 (mu0 = 2^(2a+1) B(a+1, a+1) <= 2), are always
  // representable: nodes in [-1, 1] or O(sqrt n), weights <= mu0.
  const bool alwaysRepresentable = family < 2 || (family == 3 && a == b && a >= 0);
  if (o == Outcome::Unrepresentable) {
    if (alwaysRepresentable || (representable && logMu0 > std::log(LongReal(DBL_MIN)) + 50))
      violation(kTarget, name + " threw NumericalError/overflow_error although mu0 = exp(" + num(logMu0) + ") is representable");
    return;
  }
  if (rule.nodes.size() != n || rule.weights.size() != n) violation(kTarget, name + ": wrong sizes");
  checkEigenvalues(kTarget, names[family], rule.nodes);
  LongReal sum = 0;
  for (Index i = 0; i < n; ++i) {
    if (!(rule.weights(i) >= 0 && std::isfinite(rule.weights(i))))
      violation(kTarget, name + ": weight " + std::to_string(i) + " = " + num(rule.weights(i)) +
                             " (a result that is not representable must be an exception; log mu0 = " + num(logMu0) + ")");
    sum += rule.weights(i);
    const double x = rule.nodes(i);
    const bool inside = (family == 0 || family == 3) ? (x >= -1 && x <= 1) : family == 2 ? x >= 0 : true;
    if (!inside) violation(kTarget, name + ": node " + num(x) + " outside the interval of orthogonality");
  }
  if (!representable) return;
  const LongReal mu0 = std::exp(logMu0);
  // mu0 = exp(ln mu0) with ln mu0 ~ (a + b) ln 2 rounded: relative error ~ eps (a + b) (its condition number).
  const LongReal relTol = 1e-12L * LongReal(n) + 8 * LongReal(kEps) * (std::fabs(a) + std::fabs(b));
  if (!(std::fabs(sum - mu0) <= relTol * mu0 + 4 * LongReal(n) * LongReal(DBL_MIN)))
    violation(kTarget, name + ": weights sum to " + num(sum) + ", mu0 = " + num(mu0) + " (n = " + std::to_string(n) +
                           ", a = " + num(a) + ", b = " + num(b) + ")");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Decoder in(data, size);
  const unsigned flags = in.byte();
  const int op = int(flags & 3);
  if (op == 3 || op == 2) {
    classical(in);
    return 0;
  }
  const Index n = in.range(1, 12);
  Vec<double> alpha(n), beta(n - 1);
  for (Index k = 0; k < n; ++k) alpha(k) = (flags & 32) ? 0.0 : in.value();
  for (Index k = 0; k + 1 < n; ++k) beta(k) = in.value();
  describe("alpha", alpha), describe("beta", beta);
  const bool finite = allFinite(alpha) && allFinite(beta);
  if (op == 0)
    rowsOf(in, flags, alpha, beta, finite);
  else
    quadrature(in, flags, alpha, beta, finite);
  return 0;
}
