// Fuzz target identity_solver: dptz::IdentityEigenSolver (dynamic and fixed 2x2 / 3x3, real and complex) under every
// combination of option bits (valid and invalid), backends, cluster tolerances and computeRows, two calls on one
// solver so that a rejected second call must leave the first call's results bitwise unchanged.
//
// Input: flags byte (bit 0 complex, bits 1-2 matrix type: dynamic, Matrix3, Matrix2, dynamic), then per call: an
// operation byte (an index into kOptions, or computeRows), backend byte, optional tolerance, size byte (dynamic; for
// fixed types a size other than the fixed one is used when bits 4-6 are all set), the matrix, row indices.
#include <dptz/identity_eigen_solver.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace dptz_fuzz;
constexpr const char* kTarget = "identity_solver";

constexpr int kRowsOp = -1;
const int kOptions[] = {Eigen::EigenvaluesOnly,
                        Eigen::ComputeEigenvectors,
                        dptz::ComputeEigenvectorsAbs2,
                        Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2,
                        Eigen::ComputeEigenvectors | dptz::PhasesByRotations,
                        Eigen::ComputeEigenvectors | dptz::PhasesByRotations | dptz::ComputeEigenvectorsAbs2,
                        kRowsOp,
                        kRowsOp,
                        // invalid combinations
                        0,
                        dptz::PhasesByRotations,
                        Eigen::EigenvaluesOnly | Eigen::ComputeEigenvectors,
                        Eigen::EigenvaluesOnly | dptz::ComputeEigenvectorsAbs2,
                        dptz::PhasesByRotations | dptz::ComputeEigenvectorsAbs2,
                        0x4000,
                        Eigen::ComputeEigenvectors | 0x1,
                        -1};

bool validOptions(int o) {
  return o == Eigen::EigenvaluesOnly || o == Eigen::ComputeEigenvectors || o == dptz::ComputeEigenvectorsAbs2 ||
         o == (Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2) ||
         o == (Eigen::ComputeEigenvectors | dptz::PhasesByRotations) ||
         o == (Eigen::ComputeEigenvectors | dptz::PhasesByRotations | dptz::ComputeEigenvectorsAbs2);
}

/// What a solver showed after its last successful call, copied out through the public accessors.
template <typename Solver>
struct Snapshot {
  bool initialized = false, vectors = false, abs2 = false;
  Eigen::ComputationInfo info = Eigen::InvalidInput;
  typename Solver::RealVectorType lambda;
  typename Solver::EigenvectorsType V;
  typename Solver::RealMatrixType W;
  std::vector<Index> rows;
  std::vector<dptz::Cluster> clusters;
  typename Solver::RealScalar tol = 0;

  void take(const Solver& s, bool init, bool vec, bool ab) {
    initialized = init, vectors = vec, abs2 = ab;
    if (!init) return;
    info = s.info();
    if (info != Eigen::Success) return;
    lambda = s.eigenvalues(), rows = s.rows(), clusters = s.clusters(), tol = s.clusterTolerance();
    if (vec) V = s.eigenvectors();
    if (ab) W = s.eigenvectorsAbs2();
  }
  bool same(const Snapshot& o) const {
    if (initialized != o.initialized) return false;
    if (!initialized) return true;
    if (info != o.info) return false;
    if (info != Eigen::Success) return true;
    bool ok = sameBits(lambda, o.lambda) && rows == o.rows && std::memcmp(&tol, &o.tol, sizeof tol) == 0 &&
              clusters.size() == o.clusters.size();
    for (std::size_t c = 0; ok && c < clusters.size(); ++c)
      ok = clusters[c].first == o.clusters[c].first && clusters[c].size == o.clusters[c].size;
    if (ok && vectors) ok = sameBits(V, o.V);
    if (ok && abs2) ok = sameBits(W, o.W);
    return ok;
  }
};

template <typename Solver>
void checkSuccess(const Solver& es, const Mat<typename Solver::Scalar>& A, int options, bool exact, double relTol,
                  const std::vector<Index>& rows) {
  using Scalar = typename Solver::Scalar;
  const Index n = A.rows();
  const bool rowsOp = options == kRowsOp;
  const bool vectors = !rowsOp && (options & Eigen::ComputeEigenvectors);
  const bool rotations = !rowsOp && (options & dptz::PhasesByRotations);
  const bool abs2 = rowsOp || (options & (dptz::ComputeEigenvectorsAbs2 | dptz::PhasesByRotations));
  if (es.eigenvalues().size() != n) violation(kTarget, "eigenvalues() has the wrong size");
  checkEigenvalues(kTarget, "eigenvalues()", es.eigenvalues());
  Index next = 0;
  for (const dptz::Cluster& c : es.clusters()) {
    if (c.first != next || c.size < 1) violation(kTarget, "clusters() do not partition 0..n-1");
    next += c.size;
  }
  if (next != n) violation(kTarget, "clusters() do not cover 0..n-1");
  if (abs2) {
    const auto& W = es.eigenvectorsAbs2();
    if (W.cols() != n || W.rows() != (rowsOp ? Index(rows.size()) : n)) violation(kTarget, "|V|^2 has the wrong size");
    checkEntries(kTarget, rowsOp ? "computeRows" : "eigenvectorsAbs2()", W);
    if (exact) checkSums(kTarget, rowsOp ? "computeRows" : "eigenvectorsAbs2()", W, true, allRowsSumTolerance(n));
    if (!rowsOp && exact) checkSums(kTarget, "eigenvectorsAbs2()", W, false, allRowsSumTolerance(n));
    if (rowsOp && es.rows() != rows) violation(kTarget, "rows() is not the requested list");
  }
  if (vectors) {
    const auto& V = es.eigenvectors();
    if (V.rows() != n || V.cols() != n || !allFinite(V)) violation(kTarget, "eigenvectors() not finite or wrong size");
    using LScalar = typename Reference<Scalar>::LScalar;
    const Mat<LScalar> Vl = V.template cast<LScalar>();
    const LongReal orth = (Vl.adjoint() * Vl - Mat<LScalar>::Identity(n, n)).norm();
    if (rotations) {
      for (Index i = 0; i < n; ++i)
        if (!(std::fabs(Vl.col(i).norm() - 1) <= 1e-12L)) violation(kTarget, "PhasesByRotations: a column is not unit");
    } else if (!(orth <= 100.0L * n * LongReal(kEps))) {
      violation(kTarget, "eigenvectors(): ||V^* V - I||_F = " + num(orth) + " beyond 100 n eps");
    }
  }
  if (!exact) return;
  const Reference<Scalar> ref(A);
  if (!ref.ok || !ref.representable()) return;
  checkEigenvaluesAccurate(kTarget, "eigenvalues()", es.eigenvalues(), ref.lambda);
  if (vectors && !rotations && ref.norm() > 0) {
    using LScalar = typename Reference<Scalar>::LScalar;
    const Mat<LScalar> Vl = es.eigenvectors().template cast<LScalar>(), Al = A.template cast<LScalar>();
    const Mat<LScalar> R = Al * Vl - Vl * es.eigenvalues().template cast<LScalar>().asDiagonal();
    const LongReal res = R.norm() / Al.norm();
    // eigenvalues in the subnormal range are rounded to multiples of the smallest subnormal: that much residual
    // comes from representing them at all
    if (!(res <= 100.0L * n * LongReal(kEps) + 4.0L * n * LongReal(DBL_TRUE_MIN) / Al.norm()))
      violation(kTarget, "eigenvectors(): residual ||AV - V Lambda||_F / ||A||_F = " + num(res) + " beyond 100 n eps");
  }
  if (abs2 && relTol < 0) {
    std::vector<Index> all;
    for (Index j = 0; j < n; ++j) all.push_back(j);
    checkAbs2Accurate(kTarget, "|V|^2", es.eigenvectorsAbs2(), rowsOp ? rows : all, ref.lambda, ref.abs2);
  }
}

template <typename MatrixType>
void run(Decoder& in) {
  using Solver = dptz::IdentityEigenSolver<MatrixType>;
  using Scalar = typename MatrixType::Scalar;
  constexpr int Fixed = MatrixType::RowsAtCompileTime;
  Solver es;
  es.setThreads(1);
  bool vectors = false, abs2 = false, initialized = false;
  double solverTol = -1;  // the solver's relative cluster tolerance
  for (int step = 0; step < 2 && !in.exhausted(); ++step) {
    const int options = kOptions[in.byte() % (sizeof kOptions / sizeof kOptions[0])];
    const int backendCode = in.range(0, 3);
    const dptz::Backend backend =
        backendCode == 1 ? dptz::Backend::Eigen : backendCode == 2 ? dptz::Backend::Lapack : dptz::Backend::Default;
    es.setBackend(backend);
    const std::uint8_t sizeByte = in.byte();
    if (sizeByte & 0x80) {
      const double relTol = in.value();
      Snapshot<Solver> before, after;
      before.take(es, initialized, vectors, abs2);
      const Outcome o = call(kTarget, "dptz::IdentityEigenSolver::setClusterTolerance", [&] { es.setClusterTolerance(relTol); });
      after.take(es, initialized, vectors, abs2);
      if ((o == Outcome::Invalid) != std::isnan(relTol)) violation(kTarget, "setClusterTolerance: NaN handling");
      if (!before.same(after)) violation(kTarget, "setClusterTolerance changed the results");
      if (o == Outcome::Ok) solverTol = relTol;
    }
    Index n = Fixed == Eigen::Dynamic ? 1 + Index(sizeByte % 8) : Index(Fixed);
    if (Fixed != Eigen::Dynamic && (sizeByte & 0x70) == 0x70) n = 1 + Index(sizeByte % 5);  // wrong size
    bool exact = false;
    const Mat<Scalar> A = in.matrix<Scalar>(n, exact);
    std::vector<Index> rows;
    bool badIndex = false;
    if (options == kRowsOp) {
      const int count = in.range(0, 3);
      for (int k = 0; k < count; ++k) {
        const Index j = Index(std::int8_t(in.byte())) % (n + 2);
        badIndex = badIndex || j < 0 || j >= n;
        rows.push_back(j);
      }
    }
    describe("call", step), describe("options", options), describe("backend", backendCode),
        describe("solver tolerance", solverTol), describe("A (columns)", A);
    if (!rows.empty()) describe("rows", Eigen::Map<const Eigen::Matrix<Index, Eigen::Dynamic, 1>>(rows.data(), Index(rows.size())).cast<double>().eval());
    const bool wrongSize = Fixed != Eigen::Dynamic && n != Fixed;
    const bool mustReject = (options != kRowsOp && !validOptions(options)) || !allFinite(A) || badIndex || wrongSize ||
                            (backend == dptz::Backend::Lapack && !dptz::hasLapack());
    Snapshot<Solver> before, after;
    before.take(es, initialized, vectors, abs2);
    const char* prefix =
        options == kRowsOp ? "dptz::IdentityEigenSolver::computeRows" : "dptz::IdentityEigenSolver::compute";
    const Outcome o = call(kTarget, prefix, [&] {
      if (options == kRowsOp)
        es.computeRows(A, rows);
      else
        es.compute(A, options);
    });
    if (o != Outcome::Ok) {
      after.take(es, initialized, vectors, abs2);
      if (!before.same(after)) violation(kTarget, std::string(prefix) + " threw and left the solver changed");
      if (mustReject && o != Outcome::Invalid)
        violation(kTarget, std::string(prefix) + ": bad input not rejected with std::invalid_argument");
      if (o == Outcome::Invalid && !mustReject && exact)
        violation(kTarget, std::string(prefix) + ": valid options and an exactly Hermitian finite matrix rejected");
      if (o == Outcome::Unrepresentable) {
        const Reference<Scalar> ref(A, false);
        if (ref.ok && ref.representable())
          violation(kTarget, std::string(prefix) + " threw NumericalError/overflow_error on representable eigenvalues");
      }
      continue;
    }
    if (mustReject) violation(kTarget, std::string(prefix) + ": bad input accepted");
    initialized = true;
    vectors = options != kRowsOp && (options & Eigen::ComputeEigenvectors);
    abs2 = options == kRowsOp || (options & (dptz::ComputeEigenvectorsAbs2 | dptz::PhasesByRotations));
    if (es.info() != Eigen::Success) {
      const Reference<Scalar> ref(A, false);
      if (exact && ref.ok && ref.representable())
        violation(kTarget, std::string(prefix) + ": info() != Success on a finite Hermitian matrix");
      continue;
    }
    checkSuccess(es, A, options, exact, solverTol, rows);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Decoder in(data, size);
  const unsigned flags = in.byte();
  const bool complex = flags & 1;
  switch ((flags >> 1) & 3) {
    case 1:
      complex ? run<Eigen::Matrix3cd>(in) : run<Eigen::Matrix3d>(in);
      break;
    case 2:
      complex ? run<Eigen::Matrix2cd>(in) : run<Eigen::Matrix2d>(in);
      break;
    default:
      complex ? run<Eigen::MatrixXcd>(in) : run<Eigen::MatrixXd>(in);
      break;
  }
  return 0;
}
