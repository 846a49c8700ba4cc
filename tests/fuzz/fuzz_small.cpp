// Fuzz target small: the closed-form 2x2 / 3x3 paths (smallEigenvectorsAbs2, SmallEigenSolver, eigenvectorsAbs2's
// compile-time dispatch for fixed sizes, eigenvectorsAbs2Batch) for Matrix2/3 of float, double and their complex.
//
// Input: flags byte (bits 0-2 type: 2d 3d 2cd 3cd 2f 3f 2cf 3cf; bits 3-4 entry point: smallEigenvectorsAbs2,
// SmallEigenSolver (two calls), eigenvectorsAbs2, eigenvectorsAbs2Batch; bit 5 explicit tolerance), the tolerance if
// asked, then the matrix (the batch: a count in [1, 20] and that many matrices).
#include <dptz/eigenvectors_abs2.hpp>
#include <dptz/small.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace dptz_fuzz;
constexpr const char* kTarget = "small";

template <typename Real>
double epsRatio() {
  return double(Eigen::NumTraits<Real>::epsilon()) / kEps;
}

/// Whether every eigenvalue fits in Real (with room for rounding), or clearly does not.
template <typename Real, typename Ref>
int representability(const Ref& ref) {
  const LongReal limit = LongReal(std::numeric_limits<Real>::max());
  if (ref.norm() < limit * (1 - 1e-6L)) return 1;
  if (ref.norm() > limit * (1 + 1e-6L)) return -1;
  return 0;
}

template <typename MatrixType>
MatrixType decodeMatrix(Decoder& in, bool& exact) {
  using Scalar = typename MatrixType::Scalar;
  using Wide = typename std::conditional<Eigen::NumTraits<Scalar>::IsComplex, std::complex<double>, double>::type;
  const Mat<Wide> A = in.matrix<Wide>(MatrixType::RowsAtCompileTime, exact);
  return A.template cast<Scalar>();
}

/// |V|^2 of one matrix: entries, sums (documented: rows and columns always sum to 1), accuracy against the reference.
template <typename MatrixType, typename WType>
void checkAbs2(const char* what, const MatrixType& A, const WType& W, bool defaultTol) {
  using Real = typename MatrixType::RealScalar;
  constexpr int N = MatrixType::RowsAtCompileTime;
  checkEntries(kTarget, what, W);
  const double tol = allRowsSumTolerance(N) * epsRatio<Real>();
  checkSums(kTarget, what, W, true, tol);
  checkSums(kTarget, what, W, false, tol);
  if (!std::is_same<Real, double>::value || !defaultTol) return;
  const Reference<typename MatrixType::Scalar> ref(A);
  if (!ref.ok) return;
  std::vector<Index> all;
  for (Index j = 0; j < N; ++j) all.push_back(j);
  checkAbs2Accurate(kTarget, what, W, all, ref.lambda, ref.abs2);
}

template <typename MatrixType>
void abs2Only(Decoder& in, int entry, double tol) {
  using Real = typename MatrixType::RealScalar;
  bool exact = false;
  const MatrixType A = decodeMatrix<MatrixType>(in, exact);
  describe("entry", entry), describe("tol", tol), describe("A (columns)", A);
  const bool mustReject = !allFinite(A) || std::isnan(tol);
  Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> W;
  const char* prefix = entry == 0 ? "dptz::smallEigenvectorsAbs2" : "dptz::eigenvectorsAbs2";
  dptz::Abs2Options opt;
  opt.clusterTolerance = tol;
  const Outcome o = call(kTarget, prefix, [&] {
    if (entry == 0)
      W = dptz::smallEigenvectorsAbs2(A, tol);
    else
      W = dptz::eigenvectorsAbs2(A, opt);
  });
  if (mustReject) {
    if (o != Outcome::Invalid) violation(kTarget, std::string(prefix) + ": bad input not rejected");
    return;
  }
  if (o == Outcome::Invalid) {
    if (exact) violation(kTarget, std::string(prefix) + ": an exactly Hermitian finite matrix was rejected");
    return;
  }
  if (o == Outcome::Unrepresentable) {
    const Reference<typename MatrixType::Scalar> ref(A, false);
    if (ref.ok && representability<Real>(ref) == 1)
      violation(kTarget, std::string(prefix) + " threw NumericalError/overflow_error on representable eigenvalues");
    return;
  }
  checkAbs2(prefix, A, W, tol < 0);
}

template <typename MatrixType>
void solver(Decoder& in, double tol) {
  using Solver = dptz::SmallEigenSolver<MatrixType>;
  using Real = typename MatrixType::RealScalar;
  constexpr int N = MatrixType::RowsAtCompileTime;
  Solver es;
  es.setClusterTolerance(tol);
  bool initialized = false, vectors = false;
  for (int k = 0; k < 2 && !in.exhausted(); ++k) {
    const int options = in.flag() ? Eigen::EigenvaluesOnly : Eigen::ComputeEigenvectors;
    bool exact = false;
    const MatrixType A = decodeMatrix<MatrixType>(in, exact);
    describe("SmallEigenSolver call", k), describe("options", options), describe("tol", tol), describe("A (columns)", A);
    typename Solver::RealVectorType lambda0;
    typename Solver::Abs2Type W0;
    typename Solver::EigenvectorsType V0;
    if (initialized) {
      lambda0 = es.eigenvalues(), W0 = es.eigenvectorsAbs2();
      if (vectors) V0 = es.eigenvectors();
    }
    const Outcome o = call(kTarget, "dptz::SmallEigenSolver::compute", [&] { es.compute(A, options); });
    if (o != Outcome::Ok) {
      if (initialized && !(sameBits(lambda0, es.eigenvalues()) && sameBits(W0, es.eigenvectorsAbs2()) &&
                           (!vectors || sameBits(V0, es.eigenvectors()))))
        violation(kTarget, "SmallEigenSolver::compute threw and left the solver changed");
      const Reference<typename MatrixType::Scalar> ref(A, false);
      if (o == Outcome::Invalid && allFinite(A) && exact && !std::isnan(tol))
        violation(kTarget, "SmallEigenSolver::compute rejected an exactly Hermitian finite matrix");
      if (o == Outcome::Unrepresentable && ref.ok && representability<Real>(ref) == 1)
        violation(kTarget, "SmallEigenSolver::compute threw NumericalError/overflow_error on representable eigenvalues");
      continue;
    }
    if (!allFinite(A) || std::isnan(tol)) violation(kTarget, "SmallEigenSolver::compute accepted bad input");
    initialized = true;
    vectors = options == Eigen::ComputeEigenvectors;
    const Reference<typename MatrixType::Scalar> ref(A);
    if (ref.ok && representability<Real>(ref) == -1)
      violation(kTarget, "SmallEigenSolver::compute returned although an eigenvalue (" + num(ref.norm()) +
                             " in magnitude) is not representable: it must throw");
    checkEigenvalues(kTarget, "SmallEigenSolver::eigenvalues()", es.eigenvalues());
    checkAbs2("SmallEigenSolver::eigenvectorsAbs2()", A, es.eigenvectorsAbs2(), tol < 0);
    const LongReal e = LongReal(Eigen::NumTraits<Real>::epsilon());
    if (ref.ok) {
      const LongReal norm = ref.norm();
      for (int i = 0; i < N; ++i)
        // Plus a few units of Real's subnormal grid: eigenvalues there round to it (float: 1.4e-45).
        if (!(std::fabs(LongReal(es.eigenvalues()(i)) - ref.lambda(i)) <=
              64 * N * e * norm + 4 * LongReal(DBL_MIN) + 4 * LongReal(std::numeric_limits<Real>::denorm_min())))
          violation(kTarget, "SmallEigenSolver::eigenvalues(): eigenvalue " + std::to_string(i) + " = " +
                                 num(es.eigenvalues()(i)) + ", reference " + num(ref.lambda(i)));
    }
    if (vectors) {
      using LScalar = typename Reference<typename MatrixType::Scalar>::LScalar;
      const Mat<LScalar> V = es.eigenvectors().template cast<LScalar>();
      if (!allFinite(es.eigenvectors())) violation(kTarget, "SmallEigenSolver::eigenvectors() not finite");
      const LongReal orth = (V.adjoint() * V - Mat<LScalar>::Identity(N, N)).norm();
      if (!(orth <= 100 * N * e)) violation(kTarget, "SmallEigenSolver::eigenvectors(): ||V^*V - I||_F = " + num(orth));
      const Mat<LScalar> Al = A.template cast<LScalar>();
      const LongReal nA = Al.norm();
      if (nA > 0) {
        const LongReal res = (Al * V - V * es.eigenvalues().template cast<LScalar>().asDiagonal()).norm() / nA;
        // subnormal eigenvalues are rounded to multiples of the smallest subnormal (see fuzz_identity_solver.cpp)
        const LongReal tiny = LongReal(std::numeric_limits<typename Eigen::NumTraits<typename MatrixType::Scalar>::Real>::denorm_min());
        if (!(res <= 100 * N * e + 4 * N * tiny / nA))
          violation(kTarget, "SmallEigenSolver::eigenvectors(): residual " + num(res));
      }
    }
  }
}

template <typename MatrixType>
void batch(Decoder& in, double tol) {
  using Real = typename MatrixType::RealScalar;
  constexpr int N = MatrixType::RowsAtCompileTime;
  using WType = Eigen::Matrix<Real, N, N>;
  const int count = in.range(1, 20);
  std::vector<MatrixType> As(static_cast<std::size_t>(count));
  int firstBad = -1, firstDoubt = -1;  // first non-finite; first finite but not exactly Hermitian
  std::vector<bool> exact(As.size());
  for (int k = 0; k < count; ++k) {
    bool e = false;
    As[std::size_t(k)] = decodeMatrix<MatrixType>(in, e);
    exact[std::size_t(k)] = e;
    describe("batch matrix", k), describe("A (columns)", As[std::size_t(k)]);
    if (firstBad < 0 && !allFinite(As[std::size_t(k)])) firstBad = k;
    if (firstDoubt < 0 && allFinite(As[std::size_t(k)]) && !e) firstDoubt = k;
  }
  const WType sentinel = WType::Constant(Real(-7));
  std::vector<WType> Ws(As.size(), sentinel);
  dptz::SmallOptions opt;
  opt.clusterTolerance = tol;
  opt.threads = 1;
  std::string message;
  Outcome o;
  try {
    o = call(kTarget, "dptz::eigenvectorsAbs2Batch", [&] {
      try {
        dptz::eigenvectorsAbs2Batch(As.begin(), As.end(), Ws.begin(), opt);
      } catch (const std::invalid_argument& e) {
        message = e.what();
        throw;
      }
    });
  } catch (...) {
    throw;
  }
  if (o != Outcome::Ok) {
    for (const WType& W : Ws)
      if (!sameBits(W, sentinel)) violation(kTarget, "eigenvectorsAbs2Batch threw after writing output");
  }
  if (std::isnan(tol) || firstBad >= 0) {
    if (o != Outcome::Invalid) violation(kTarget, "eigenvectorsAbs2Batch: bad input not rejected");
    if (!std::isnan(tol) && (firstDoubt < 0 || firstDoubt > firstBad)) {
      const std::string want = "dptz::eigenvectorsAbs2Batch: matrix " + std::to_string(firstBad) + ":";
      if (message.compare(0, want.size(), want) != 0)
        violation(kTarget, "eigenvectorsAbs2Batch names the wrong matrix: \"" + message + "\", expected \"" + want + "\"");
    }
    return;
  }
  if (o == Outcome::Invalid) {
    if (firstDoubt < 0) violation(kTarget, "eigenvectorsAbs2Batch rejected exactly Hermitian finite matrices");
    return;
  }
  if (o == Outcome::Unrepresentable) {
    bool someUnrepresentable = false;
    for (const MatrixType& A : As) {
      const Reference<typename MatrixType::Scalar> ref(A, false);
      someUnrepresentable = someUnrepresentable || !ref.ok || representability<Real>(ref) != 1;
    }
    if (!someUnrepresentable) violation(kTarget, "eigenvectorsAbs2Batch threw on representable input");
    return;
  }
  for (std::size_t k = 0; k < As.size(); ++k)
    if (exact[k]) checkAbs2("eigenvectorsAbs2Batch", As[k], Ws[k], tol < 0);
}

template <typename MatrixType>
void run(Decoder& in, unsigned flags) {
  const int entry = int((flags >> 3) & 3);
  const double tol = (flags & 32) ? in.value() : -1.0;
  switch (entry) {
    case 0:
    case 2:
      abs2Only<MatrixType>(in, entry, tol);
      break;
    case 1:
      solver<MatrixType>(in, tol);
      break;
    default:
      batch<MatrixType>(in, tol);
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Decoder in(data, size);
  const unsigned flags = in.byte();
  switch (flags & 7) {
    case 0: run<Eigen::Matrix2d>(in, flags); break;
    case 1: run<Eigen::Matrix3d>(in, flags); break;
    case 2: run<Eigen::Matrix2cd>(in, flags); break;
    case 3: run<Eigen::Matrix3cd>(in, flags); break;
    case 4: run<Eigen::Matrix2f>(in, flags); break;
    case 5: run<Eigen::Matrix3f>(in, flags); break;
    case 6: run<Eigen::Matrix2cf>(in, flags); break;
    default: run<Eigen::Matrix3cf>(in, flags); break;
  }
  return 0;
}
