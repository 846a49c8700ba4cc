// dptz — the identity on a dense Hermitian matrix (internal): eig(A), its clusters, and rows of |V|^2 from the minor
// spectra eig(M_j) (one eigensolve of size n-1 each) or from one Householder tridiagonalization per row.
#ifndef DPTZ_DETAIL_DENSE_IDENTITY_HPP
#define DPTZ_DETAIL_DENSE_IDENTITY_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/QR>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "householder_rows.hpp"
#include "numerics.hpp"
#include "spectrum.hpp"
#include "validate.hpp"

namespace dptz {
namespace detail {

/// Checked, power-of-two-scaled dense copy of A (|V|^2 is scale invariant; the scaling is exact and keeps every
/// spectrum O(1), so no difference of eigenvalues overflows or underflows needlessly).
template <typename Derived>
Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, Eigen::Dynamic> checkedScaledCopy(
    const char* where, const Eigen::MatrixBase<Derived>& A) {
  checkSquareFinite(where, A);
  const auto maxAbs = checkHermitian(where, A);
  return A.derived() * powerOfTwoScale(maxAbs);
}

/// Relative gap below which rows from the tridiagonal form use the paired product instead of the sweep.
constexpr double kSweepGap = 1e-6;
/// Relative gap below which neighbouring eigenvalues are scaled as one group (DenseIdentity::normalizeColumns).
constexpr double kGroupGap = 1e-3;

/// The least-squares correction E = S .* (u 1^T + 1 v^T) of the block B (weights S >= 0) that makes its row sums
/// 1 - outside and its column sums 1: the multipliers u (rows) and v (columns) from the normal equations
/// R u + S v = row deficits, S^T u + C v = column deficits (R, C: row and column sums of S), solved by the Schur
/// complement on v, diagonally scaled (the weights span many orders of magnitude) and in the minimum-norm sense
/// (the system has the null vector (1, -1)), with two refinement steps. True when every sum is within tol.
template <typename Real>
bool correctSums(Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>& B,
                 const Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>& S,
                 const Eigen::Matrix<Real, Eigen::Dynamic, 1>& outside, const Real& tol) {
  using Matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  using Vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
  const Eigen::Index n = B.rows(), m = B.cols();
  // A row whose weights sum below the smallest normal number (a subnormal mass in the groups) is left alone: 1 / r
  // would overflow, and inf * 0 in S^T R^-1 S is NaN.
  const Vector invR = S.rowwise().sum().unaryExpr(
      [](Real r) { return r >= (std::numeric_limits<Real>::min)() ? Real(1) / r : Real(0); });
  Matrix K = -S.transpose() * invR.asDiagonal() * S;
  K.diagonal() += S.colwise().sum().transpose();
  const Vector scale = K.diagonal().unaryExpr([](Real k) {
    using std::sqrt;
    return k > Real(0) ? Real(1) / sqrt(k) : Real(0);
  });
  const Eigen::CompleteOrthogonalDecomposition<Matrix> cod(scale.asDiagonal() * K * scale.asDiagonal());
  for (int step = 0; step < 4; ++step) {
    const Vector rowDeficit = Vector::Ones(n) - outside - B.rowwise().sum();
    const Vector colDeficit = Vector::Ones(m) - B.colwise().sum().transpose();
    if (!(rowDeficit.cwiseAbs().maxCoeff() > tol || colDeficit.cwiseAbs().maxCoeff() > tol)) return true;
    if (step == 3) break;
    const Vector rhs = colDeficit - S.transpose() * invR.cwiseProduct(rowDeficit);
    const Vector v = scale.cwiseProduct(cod.solve(scale.cwiseProduct(rhs)));
    const Vector u = invR.cwiseProduct(rowDeficit - S * v);
    for (Eigen::Index c = 0; c < m; ++c) B.col(c) += S.col(c).cwiseProduct(u + Vector::Constant(n, v(c)));
  }
  return false;
}

/// Rows and columns of W to sum 1 by a least-squares correction within the columns of the near-degenerate groups
/// (runs of consecutive columns, where the errors are; correctSums). Inside a group the basis is ill-determined, so
/// entry (j, i) may be off by about the row's mass in the group, r_jg, times eps ||A|| / gap_i: the weights are
/// (r_jg invGap_i)^2, which lets a member that came out 0 take mass from its group's neighbours. Where the sums
/// cannot be met that way (a row without mass in any group), by invGap_i alone. Well separated columns are not
/// touched; O(n m^2 + m^3) for m columns, against the O(n^4) of the rows themselves.
template <typename OutT, typename Runs, typename Real>
void balanceSums(OutT& W, const Runs& groups, const Eigen::Array<Real, Eigen::Dynamic, 1>& invGap) {
  using Matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  using Vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
  const Eigen::Index n = W.rows();
  const Real tol = Real(4) * Real(n) * Eigen::NumTraits<Real>::epsilon();
  Eigen::Index m = 0;
  for (const auto& g : groups) m += g.size;
  if (m == 0 || !((Vector::Ones(n) - W.rowwise().sum()).cwiseAbs().maxCoeff() > tol)) return;
  Matrix B0(n, m), S(n, m);
  Eigen::Index c = 0;
  for (const auto& g : groups) {
    B0.middleCols(c, g.size) = W.middleCols(g.first, g.size);
    const Vector mass = W.middleCols(g.first, g.size).rowwise().sum();
    for (Eigen::Index i = 0; i < g.size; ++i) S.col(c + i) = (mass * invGap(g.first + i)).cwiseAbs2();
    c += g.size;
  }
  const Vector outside = W.rowwise().sum() - B0.rowwise().sum();  // row sums over the other columns, fixed
  Matrix B = B0;
  if (!correctSums(B, S, outside, tol)) {
    B = B0;
    c = 0;
    for (const auto& g : groups)
      for (Eigen::Index i = 0; i < g.size; ++i) S.col(c++).setConstant(invGap(g.first + i) * invGap(g.first + i));
    correctSums(B, S, outside, tol);
  }
  // Entries the correction drove below 0 (tiny ones beside a large deficit) are fixed at 0 and the rest corrected
  // again, so that the final clamp to [0, 1] does not undo the sums.
  for (int round = 0; round < 4 && B.minCoeff() < Real(0); ++round) {
    for (Eigen::Index k = 0; k < B.size(); ++k)
      if (B.data()[k] < Real(0)) B.data()[k] = Real(0), S.data()[k] = Real(0);
    correctSums(B, S, outside, tol);
  }
  c = 0;
  for (const auto& g : groups) {
    W.middleCols(g.first, g.size) = B.middleCols(c, g.size);
    c += g.size;
  }
}

/// Columns of a cluster to sum 1 with its row sums r unchanged (docs/math.md, section "Column scaling"). The additive
/// correction B + r d^T / m (d_i = 1 - column i's sum, m = cluster size) keeps every row sum and sets every column sum
/// to 1. Where it would make an entry negative, the result is blended with F = r 1^T / m (the row sums spread evenly;
/// the members of a cluster are interchangeable), just enough to stay nonnegative. The block's total must be m.
template <typename BlockT>
void balanceCluster(BlockT&& B) {
  using Real = typename std::decay<BlockT>::type::Scalar;
  using Matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  const Eigen::Index m = B.cols();
  const Eigen::Matrix<Real, Eigen::Dynamic, 1> r = B.rowwise().sum();
  const Eigen::Matrix<Real, 1, Eigen::Dynamic> d =
      (Eigen::Matrix<Real, 1, Eigen::Dynamic>::Ones(m) - B.colwise().sum()) / Real(m);
  const Matrix balanced = B + r * d;
  Real t(0);  // smallest blend weight that keeps (1 - t) balanced + t F >= 0
  for (Eigen::Index i = 0; i < m; ++i)
    for (Eigen::Index j = 0; j < B.rows(); ++j)
      if (balanced(j, i) < Real(0)) t = (std::max)(t, -balanced(j, i) / (r(j) / Real(m) - balanced(j, i)));
  if (t > Real(0))
    B = ((Real(1) - t) * balanced + t * (r / Real(m)).replicate(1, m)).cwiseMax(Real(0));
  else
    B = balanced;
}

/// Moves `amount` (> 0; at most the total T of `from`) of `from` into `to`, row by row and within each row only: row
/// j gives the share amount r_j / T of its mass r_j in `from` (every entry of the row scaled alike, so nothing goes
/// negative) and `to` takes it in proportion to its own entries in that row (evenly where the row is empty).
template <typename FromT, typename ToT>
void moveMass(FromT&& from, ToT&& to, const typename std::decay<FromT>::type::Scalar& amount) {
  using Real = typename std::decay<FromT>::type::Scalar;
  const Real total = from.sum();
  if (!(total > Real(0))) return;  // nothing to give (rows far off their sums; balanceSums corrects them after)
  const Real moved = (std::min)(amount, total);
  const Real keep = (total - moved) / total;
  for (Eigen::Index j = 0; j < from.rows(); ++j) {
    const Real given = from.row(j).sum() * (moved / total);
    from.row(j) *= keep;
    const Real have = to.row(j).sum();
    if (have > Real(0))
      to.row(j) += given * (to.row(j) / have);  // shares <= 1: given / have can overflow for a subnormal row
    else
      to.row(j).setConstant(given / Real(to.cols()));
  }
}

/// The leaf k in (a, b) of the ascending runs `leaves` of lambda such that the gap between leaves k - 1 and k is the
/// widest; of equal gaps the most central, which keeps a tree of such splits shallow.
template <typename LambdaT, typename Runs>
std::size_t widestGap(const LambdaT& lambda, const Runs& leaves, std::size_t a, std::size_t b) {
  using Real = typename LambdaT::Scalar;
  const auto off = [a, b](std::size_t s) { return s * 2 > a + b ? s * 2 - (a + b) : (a + b) - s * 2; };
  std::size_t split = a + 1;
  Real widest(-1);
  for (std::size_t k = a + 1; k < b; ++k) {
    const Real gap = lambda.coeff(leaves[k].first) - lambda.coeff(leaves[k - 1].first + leaves[k - 1].size - 1);
    if (gap > widest || (gap == widest && off(k) < off(split))) widest = gap, split = k;
  }
  return split;
}

/// Columns of a near-degenerate group B (lambda: its eigenvalues ascending; leaves: its clusters, in local column
/// indices) to sum 1, every row sum kept (docs/math.md, section "Column scaling"). The group is split where its gap
/// is widest, mass moves across the split within each row until each side totals its number of columns (moveMass),
/// and each side is split again, down to the clusters (balanceCluster). A run's row sums are accurate to
/// eps ||A|| over its distance to the rest, and each move is of that size, so a tight sub-run keeps its sums;
/// spreading a correction over the whole group would move mass out of it. B's total must be its column count.
template <typename BlockT, typename LambdaT, typename Runs>
void balanceGroup(BlockT&& B, const LambdaT& lambda, const Runs& leaves) {
  using Real = typename std::decay<BlockT>::type::Scalar;
  std::vector<std::pair<std::size_t, std::size_t>> todo{{0, leaves.size()}};  // ranges of leaves
  while (!todo.empty()) {
    const std::size_t a = todo.back().first, b = todo.back().second;
    todo.pop_back();
    if (b - a == 1) {
      if (leaves[a].size > 1) balanceCluster(B.middleCols(leaves[a].first, leaves[a].size));
      continue;
    }
    const std::size_t split = widestGap(lambda, leaves, a, b);
    const Eigen::Index first = leaves[a].first, mid = leaves[split].first;
    const Eigen::Index end = leaves[b - 1].first + leaves[b - 1].size;
    auto left = B.middleCols(first, mid - first);
    auto right = B.middleCols(mid, end - mid);
    const Real excess = left.sum() - Real(mid - first);
    if (excess > Real(0))
      moveMass(left, right, excess);
    else if (excess < Real(0))
      moveMass(right, left, -excess);
    todo.emplace_back(a, split);
    todo.emplace_back(split, b);
  }
}

/// The identity on one dense Hermitian matrix: the scaled copy A, eig(A) ascending, its clusters, and rows of |V|^2.
/// Rows come either from the minors' spectra (eig(M_j), one eigensolve of size n-1 each) or, with
/// tridiagonalRows, from one Householder tridiagonalization each (HouseholderRows).
template <typename Scalar>
struct DenseIdentity {
  using Real = typename Eigen::NumTraits<Scalar>::Real;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using RealVector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
  struct Run {
    Eigen::Index first, size;
  };

  Matrix A;  // scaled copy (may be left empty when no further row needs it)
  RealVector lambda;
  std::vector<Run> clusters;
  /// A run of clusters whose row sums come from the group formula, and its two halves split at its widest gap
  /// (indices into sharedTree; -1 for a single cluster).
  struct GroupNode {
    Run run;
    Eigen::Index left, right;
  };
  std::vector<GroupNode> sharedTree;  // parents before their children (setSharedGroups)
  bool useLapack = false;
  int threads = 0;
  Real clusterTol = Real(0);     // absolute, on the scaled spectrum
  bool tridiagonalRows = false;  // rows from one tridiagonalization each instead of eig(M_j)
  bool sweepRows = false;        // those rows by the characteristic-polynomial sweep (all gaps wide)

  DenseIdentity(Matrix scaled, bool lapack, int threadCount) : A(std::move(scaled)), useLapack(lapack), threads(threadCount) {}

  /// eig(A) from the dense eigensolver. False on non-convergence.
  bool computeEigenvalues() {
    Matrix work = A;
    HermitianEigenvalues<Scalar> eig(useLapack);
    return eig.compute(work, lambda);
  }

  /// Clusters of lambda: eigenvalues closer than relTol * max|lambda| (negative relTol: n eps max|lambda|).
  void setClusters(double relTol) {
    const Real norm = lambda.size() ? lambda.cwiseAbs().maxCoeff() : Real(0);
    clusterTol = absoluteClusterTolerance(relTol, lambda.size(), norm);
    findRuns(lambda, clusterTol, clusters);
    // Rows from the tridiagonal form take the characteristic-polynomial sweep only where every gap exceeds
    // kSweepGap ||A||. Both forms give each entry to ~eps ||A|| / gap, but the sweep evaluates a close pair's
    // members independently, so their sum (the pair's projector diagonal, well conditioned) inherits that error;
    // the paired product keeps the sum at rounding (the two entries share the minor eigenvalue between them).
    const Real wide = (std::max)(Real(1024) * clusterTol, Real(kSweepGap) * norm);
    sweepRows = true;
    for (Eigen::Index k = 0; k + 1 < lambda.size(); ++k) sweepRows = sweepRows && lambda(k + 1) - lambda(k) > wide;
    setSharedGroups(norm);
  }

  /// Runs of eigenvalues closer than sqrt(eps) max|lambda|, of more than one cluster, whose row sums are taken from
  /// the group formula (groupProduct, error eps ||A|| / the gap to the rest) rather than summed member by member
  /// (error up to eps ||A|| / the smallest gap inside: where a cluster meets a nearby eigenvalue the members' errors
  /// do not cancel). Each run is split at its widest gap, and each half again, down to the clusters: a tight sub-run
  /// inside a wider run needs its own sum from the formula, or it keeps its members' errors.
  void setSharedGroups(const Real& norm) {
    using std::sqrt;
    std::vector<Run> groups;
    findRuns(lambda, (std::max)(Real(sqrt(Eigen::NumTraits<Real>::epsilon())) * norm, clusterTol), groups);
    sharedTree.clear();
    struct Pending {
      std::size_t a, b;  // clusters [a, b)
      Eigen::Index parent;
      bool left;
    };
    std::vector<Pending> todo;
    std::size_t next = 0;
    for (const Run& g : groups) {
      const std::size_t a = next;
      while (next < clusters.size() && clusters[next].first < g.first + g.size) ++next;
      if (next - a > 1) todo.push_back(Pending{a, next, -1, false});
      while (!todo.empty()) {  // depth first, so every node follows its parent
        const Pending p = todo.back();
        todo.pop_back();
        const Eigen::Index index = Eigen::Index(sharedTree.size());
        const Run& last = clusters[p.b - 1];
        sharedTree.push_back(GroupNode{Run{clusters[p.a].first, last.first + last.size - clusters[p.a].first}, -1, -1});
        if (p.parent >= 0) {
          GroupNode& parent = sharedTree[std::size_t(p.parent)];
          (p.left ? parent.left : parent.right) = index;
        }
        if (p.b - p.a < 2) continue;
        const std::size_t split = widestGap(lambda, clusters, p.a, p.b);
        todo.push_back(Pending{split, p.b, index, false});
        todo.push_back(Pending{p.a, split, index, true});
      }
    }
  }

  /// The row w's sums over the shared groups set from the group formula (mu = eig(M_j)). Each run of sharedTree and
  /// each of its halves has an estimate (a group's from the formula, a single cluster's its own sum); from the top
  /// down, a parent's sum is divided between its halves in proportion to their estimates, and each cluster's entries
  /// are scaled to its part. Every sum is then within eps ||A|| over the gap at which its run was split off.
  template <typename MuT>
  void shareGroupSums(const MuT& mu, RealVector& w) const {
    if (sharedTree.empty() || mu.size() + 1 != lambda.size()) return;  // no mu: rows from the sweep (all gaps wide)
    std::vector<Real> estimate(sharedTree.size()), target(sharedTree.size());
    const Real highest = Eigen::NumTraits<Real>::highest();
    for (std::size_t k = 0; k < sharedTree.size(); ++k) {
      const GroupNode& node = sharedTree[k];
      estimate[k] = w.segment(node.run.first, node.run.size).sum();
      if (node.left >= 0) {
        // The formula's intermediates grow like 1 / width^(size - 1): a run only a few units of the subnormal
        // grid wide can overflow them, and then the members' own sum stands.
        const Real formula = groupProduct(lambda, mu, node.run);
        if (formula >= -highest && formula <= highest) estimate[k] = clamp01(formula);
      }
      target[k] = estimate[k];  // a root's; a child's is overwritten by its parent, which comes first
    }
    for (std::size_t k = 0; k < sharedTree.size(); ++k) {
      const GroupNode& node = sharedTree[k];
      auto seg = w.segment(node.run.first, node.run.size);
      if (node.left < 0) {
        const Real s = seg.sum();
        if (s > Real(0))
          seg *= target[k] / s;
        else
          seg.setConstant(target[k] / Real(node.run.size));
        continue;
      }
      const std::size_t l = std::size_t(node.left), r = std::size_t(node.right);
      const Real both = estimate[l] + estimate[r];
      target[l] = both > Real(0) ? target[k] * (estimate[l] / both)
                                 : target[k] * Real(sharedTree[l].run.size) / Real(node.run.size);
      target[r] = (std::max)(Real(0), target[k] - target[l]);
    }
  }

  /// All n rows into W (n x n), then the columns normalized. False on non-convergence.
  template <typename OutT>
  bool allRows(OutT& W) const {
    const Eigen::Index n = A.rows();
    std::vector<Eigen::Index> every(static_cast<std::size_t>(n));
    for (Eigen::Index j = 0; j < n; ++j) every[std::size_t(j)] = j;
    W.resize(n, n);
    if (!rows(every, W)) return false;
    normalizeColumns(W);
    return true;
  }

  /// Columns to sum 1 (docs/math.md, section "Column scaling"). Every entry of column i shares the denominator
  /// prod_{k != i}(lambda_i - lambda_k), and scaling cancels its rounding. A near-degenerate group (consecutive gaps
  /// below kGroupGap max|lambda|) is scaled by one common factor, which keeps its row sums (a single eigenvalue whose
  /// own column sum is the more accurate is scaled by that sum instead), and then balanced down its gaps
  /// (balanceGroup). A row whose sum is still off (entries of a group evaluated member by member, each with its own
  /// eps / gap error) is corrected within the groups' columns, rows and columns together (balanceSums), so that a well
  /// separated column never takes a group's error. Entries are clamped to [0, 1].
  template <typename OutT>
  void normalizeColumns(OutT& W) const {
    std::vector<Run> groups;
    findRuns(lambda, (std::max)(Real(kGroupGap) * lambda.cwiseAbs().maxCoeff(), clusterTol), groups);
    std::vector<Run> nearDegenerate, leaves;
    using std::abs;
    const Eigen::Array<Real, Eigen::Dynamic, 1> invGap = inverseGaps(lambda, clusters, clusterTol);
    const Real sumTol = Real(16) * Real(W.rows()) * Eigen::NumTraits<Real>::epsilon() *
                        (lambda.size() ? Real(lambda.cwiseAbs().maxCoeff()) : Real(0));
    std::vector<bool> single(std::size_t(lambda.size()), false);
    for (const Run& c : clusters)
      if (c.size == 1) single[std::size_t(c.first)] = true;
    for (const Run& g : groups) {
      auto B = W.middleCols(g.first, g.size);
      const Real total = B.sum();
      if (!(total > Real(0))) continue;
      // A single eigenvalue whose column sum is known better than the group's total (its gap to the rest is wider
      // than the group's inner gaps) is scaled by its own sum and the rest by theirs: one common factor would hand
      // it the error of the group's close members.
      Real ownTotal(0);
      Eigen::Index ownCount = 0;
      std::vector<bool> own(std::size_t(g.size), false);
      if (g.size > 1)
        for (Eigen::Index i = 0; i < g.size; ++i) {
          const Real sum = B.col(i).sum(), tol = sumTol * invGap(g.first + i);
          if (single[std::size_t(g.first + i)] && abs(sum - Real(1)) <= tol &&
              abs(total - Real(g.size)) > tol * Real(g.size)) {
            B.col(i) /= sum;
            own[std::size_t(i)] = true, ownTotal += sum, ++ownCount;
          }
        }
      const Real rest = total - ownTotal;
      if (rest > Real(0))
        for (Eigen::Index i = 0; i < g.size; ++i)  // entries / rest <= 1: count / rest can overflow if subnormal
          if (!own[std::size_t(i)]) B.col(i) = (B.col(i) / rest) * Real(g.size - ownCount);
      if (g.size < 2) continue;
      leaves.clear();
      for (const Run& c : clusters)
        if (c.first >= g.first && c.first < g.first + g.size) leaves.push_back(Run{c.first - g.first, c.size});
      balanceGroup(B, lambda.segment(g.first, g.size), leaves);
      nearDegenerate.push_back(g);
    }
    balanceSums(W, nearDegenerate, rowSumInverseGaps());
    W = W.cwiseMax(Real(0)).cwiseMin(Real(1));
  }

  /// inverseGaps, except that the members of a run of sharedTree take the run's distance to the rest of the
  /// spectrum (at most max|lambda|): the run's row sums come from the group formula, so a row's deficit is no more
  /// theirs than that distance says, however close the members lie to each other.
  Eigen::Array<Real, Eigen::Dynamic, 1> rowSumInverseGaps() const {
    Eigen::Array<Real, Eigen::Dynamic, 1> inv = inverseGaps(lambda, clusters, clusterTol);
    const Real norm = lambda.size() ? Real(lambda.cwiseAbs().maxCoeff()) : Real(0);
    Eigen::Index end = 0;  // the last root's end: children follow their parents
    for (const GroupNode& node : sharedTree) {
      if (node.run.first < end) continue;
      end = node.run.first + node.run.size;
      const Real gap = (std::min)(Real(outsideGap(lambda, node.run.first, node.run.size)), norm);
      if (gap > Real(0)) inv.segment(node.run.first, node.run.size).setConstant(Real(1) / gap);
    }
    return inv;
  }

  /// out.row(r) = row rowList[r] of |V|^2, rows in parallel. Each row is computed by exactly the same serial code
  /// whatever the thread count, so results are bitwise identical for any number of threads. False on
  /// non-convergence.
  template <typename OutT>
  bool rows(const std::vector<Eigen::Index>& rowList, OutT& out) const {
    const Eigen::Index count = Eigen::Index(rowList.size()), n = A.rows();
    bool failed = false;
#ifdef _OPENMP
    const int nt = threads > 0 ? threads : omp_get_max_threads();
    // Only built-in scalars go parallel: multiprecision types keep per-thread state (mpfr's default precision
    // is thread local, so a worker would compute in 53 bits).
    const bool parallel = std::is_arithmetic<Real>::value && count > 1 && n > 8;
#pragma omp parallel num_threads(nt) if (parallel) reduction(|| : failed)
#endif
    {
      HermitianEigenvalues<Scalar> eig(useLapack);
      HouseholderRows<Scalar> householder(useLapack);
      Matrix minor;
      RealVector mu, w(n);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
      for (Eigen::Index r = 0; r < count; ++r) {
        const Eigen::Index j = rowList[std::size_t(r)];
        bool ok;
        if (tridiagonalRows) {
          ok = householder.reduce(A, j) && householder.row(lambda, clusters, sweepRows, w);
          if (ok) shareGroupSums(householder.minorEigenvalues(), w);
        } else {
          extractMinor(A, j, minor);
          ok = eig.compute(minor, mu);
          if (ok) {
            abs2Row(lambda, mu, clusters, w);
            shareGroupSums(mu, w);
          }
        }
        if (!ok) {
          failed = true;
          continue;
        }
        out.row(r) = w.transpose();
      }
    }
    return !failed;
  }
};

/// The rows path: each requested row j from ONE tridiagonalization of A with j moved to position 0 (Householder
/// from column 1 keeps e_1 fixed): row j of |V|^2 is row 0 of T's. eig(A) = eig(T) comes from the first requested
/// row's T and is shared by all rows; the row itself costs O(n^2) (HouseholderRows::row), so one row is one
/// tridiagonalization plus one tridiagonal eigensolve plus about a third of one: about the price of eigenvalues
/// only. dense holds the scaled matrix (consumed when one row is asked for) and receives eig(A) and the clusters;
/// W is rows.size() x n, each row summing to 1. False on non-convergence.
template <typename Scalar, typename RealMatrix>
bool abs2RowsByTridiagonalization(DenseIdentity<Scalar>& dense, double relTol, const std::vector<Eigen::Index>& rows,
                                  RealMatrix& W) {
  const Eigen::Index n = dense.A.rows(), count = Eigen::Index(rows.size());
  HouseholderRows<Scalar> first(dense.useLapack);
  const Eigen::Index j0 = count > 0 ? rows[0] : 0;
  const bool reduced = count > 1 ? first.reduce(dense.A, j0) : first.reduceInPlace(dense.A, j0);
  if (!reduced || !first.eigenvalues(dense.lambda)) return false;
  if (count <= 1) dense.A.resize(0, 0);  // a single row needs no other minor: the copy was reduced in place
  dense.setClusters(relTol);
  dense.tridiagonalRows = true;
  W.resize(count, n);
  if (count > 0) {
    typename DenseIdentity<Scalar>::RealVector w;
    if (!first.row(dense.lambda, dense.clusters, dense.sweepRows, w)) return false;
    dense.shareGroupSums(first.minorEigenvalues(), w);
    W.row(0) = w.transpose();
  }
  if (count > 1) {
    const std::vector<Eigen::Index> rest(rows.begin() + 1, rows.end());
    RealMatrix restRows(count - 1, n);
    if (!dense.rows(rest, restRows)) return false;
    W.bottomRows(count - 1) = restRows;
  }
  normalizeRows(W, dense.rowSumInverseGaps());
  return true;
}

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_DENSE_IDENTITY_HPP
