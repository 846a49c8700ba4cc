// Fuzz target identity: dptz::abs2FromEigenvalues, findClusters and defaultClusterTolerance on given spectra.
//
// Input: flags byte (bit 0 raw (possibly unsorted) lambda, bit 1 raw mu instead of interlacing, bit 2 mu of a wrong
// size, bit 3 explicit tolerance), n in [0, 10], lambda, mu, the tolerance if asked.
#include <dptz/identity.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace dptz_fuzz;
constexpr const char* kTarget = "identity";

bool ascendingFinite(const Vec<double>& x) {
  for (Index i = 0; i < x.size(); ++i)
    if (!std::isfinite(x(i)) || (i > 0 && x(i) < x(i - 1))) return false;
  return true;
}

void checkClusters(const Vec<double>& lambda, double tol) {
  const std::vector<dptz::Cluster> clusters = dptz::findClusters(lambda, tol);
  Index next = 0;
  for (const dptz::Cluster& c : clusters) {
    if (c.first != next || c.size < 1) violation(kTarget, "findClusters: clusters do not partition 0..n-1");
    for (Index i = c.first + 1; i < c.first + c.size; ++i)
      if (!(lambda(i) - lambda(i - 1) <= tol)) violation(kTarget, "findClusters: a gap inside a cluster exceeds tol");
    if (c.first > 0 && !(lambda(c.first) - lambda(c.first - 1) > tol))
      violation(kTarget, "findClusters: a gap between clusters is within tol");
    next += c.size;
  }
  if (next != lambda.size()) violation(kTarget, "findClusters: clusters do not cover 0..n-1");
}

/// The paired product of a simple eigenvalue i in long double (the formula of docs/math.md, section Stable paired
/// product): every factor in [0, 1] for interlacing spectra.
LongReal pairedReference(const Vec<double>& l, const Vec<double>& m, Index i) {
  LongReal p = 1;
  const Index n = l.size();
  for (Index k = 0; k < i; ++k) p *= (LongReal(l(i)) - m(k)) / (LongReal(l(i)) - l(k));
  for (Index k = i; k + 1 < n; ++k) p *= (LongReal(m(k)) - l(i)) / (LongReal(l(k + 1)) - l(i));
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Decoder in(data, size);
  const unsigned flags = in.byte();
  const Index n = in.range(0, 10);
  Vec<double> lambda(n);
  if (flags & 1)
    for (Index i = 0; i < n; ++i) lambda(i) = in.value();
  else
    lambda = in.spectrum(n);
  Vec<double> mu;
  if (flags & 2) {
    mu.resize(std::max<Index>(n - 1, 0));
    for (Index i = 0; i < mu.size(); ++i) mu(i) = in.value();
  } else {
    mu = in.interlacing(lambda);
  }
  if (flags & 4) mu.conservativeResize(mu.size() + 1), mu(mu.size() - 1) = lambda.size() ? lambda(n - 1) : 0.0;
  const double tol = (flags & 8) ? in.value() : -1.0;
  describe("lambda", lambda), describe("mu", mu), describe("tol", tol);
  const bool mustReject = n == 0 || mu.size() != n - 1 || !ascendingFinite(lambda) || !ascendingFinite(mu) ||
                          std::isnan(tol);
  Vec<double> w;
  const Outcome o = call(kTarget, "dptz::abs2FromEigenvalues", [&] { w = dptz::abs2FromEigenvalues(lambda, mu, tol); });
  if (mustReject) {
    if (o != Outcome::Invalid) violation(kTarget, "abs2FromEigenvalues: bad input not rejected");
    return 0;
  }
  if (o != Outcome::Ok) violation(kTarget, "abs2FromEigenvalues: valid input not accepted");
  if (w.size() != n) violation(kTarget, "abs2FromEigenvalues: result has the wrong size");
  checkEntries(kTarget, "abs2FromEigenvalues", w.transpose());
  const double defaultTol = dptz::defaultClusterTolerance(lambda);
  const double lmax = std::max(std::fabs(lambda(0)), std::fabs(lambda(n - 1)));
  if (!(defaultTol >= 0 && defaultTol <= double(n) * kEps * lmax * (1 + 1e-15)))
    violation(kTarget, "defaultClusterTolerance = " + num(defaultTol) + " is not n eps max|lambda|");
  const double t = tol < 0 ? defaultTol : tol;
  checkClusters(lambda, t);
  bool interlacing = true;
  for (Index k = 0; k + 1 < n; ++k) interlacing = interlacing && lambda(k) <= mu(k) && mu(k) <= lambda(k + 1);
  if (!interlacing) return 0;
  // Simple eigenvalues: the paired product has relative error <= ~4 n eps (each factor a ratio of exact-to-rounding
  // differences), plus what the exact power-of-two scaling loses to underflow (<= n 1e-300 absolute).
  const std::vector<dptz::Cluster> clusters = dptz::findClusters(lambda, t);
  bool allSimple = true;
  LongReal clusterError = 0;
  for (std::size_t c = 0; c < clusters.size(); ++c) {
    const dptz::Cluster& cl = clusters[c];
    if (cl.size > 1) {
      allSimple = false;
      // A cluster spread delta, gap g to the rest: sharing its projector diagonal moves the sum by ~ delta / g.
      const LongReal spread = LongReal(lambda(cl.first + cl.size - 1)) - lambda(cl.first);
      LongReal gap = std::numeric_limits<LongReal>::infinity();
      if (cl.first > 0) gap = std::min(gap, LongReal(lambda(cl.first)) - lambda(cl.first - 1));
      if (cl.first + cl.size < n) gap = std::min(gap, LongReal(lambda(cl.first + cl.size)) - lambda(cl.first + cl.size - 1));
      clusterError += 4 * LongReal(n) * spread / gap;
      continue;
    }
    const Index i = cl.first;
    const LongReal want = pairedReference(lambda, mu, i);
    if (!(std::fabs(w(i) - want) <= 8 * LongReal(n) * LongReal(kEps) * want + LongReal(n) * 1e-300L))
      violation(kTarget, "abs2FromEigenvalues: entry " + std::to_string(i) + " = " + num(w(i)) +
                             ", long double paired product " + num(want) + " (relative error beyond 8 n eps)");
  }
  // Any interlacing pair is realized by a Hermitian matrix, so the entries sum to 1.
  const LongReal sumTol = 16 * LongReal(n) * LongReal(n) * LongReal(kEps) + LongReal(n) * 1e-300L + clusterError;
  if (sumTol < 0.5L) {
    const LongReal s = w.cast<LongReal>().sum();
    if (!(std::fabs(s - 1) <= sumTol))
      violation(kTarget, std::string("abs2FromEigenvalues: entries sum to ") + num(s) + " (tolerance " + num(sumTol) +
                             (allSimple ? ", all eigenvalues simple)" : ", with clusters)"));
  }
  return 0;
}
