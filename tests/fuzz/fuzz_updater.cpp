// Fuzz target updater: dptz::EigenUpdater (real and complex) driven through a sequence of append / remove /
// rank-one updates / redecompose with valid and invalid arguments. After every throw the updater must be bitwise
// unchanged (strong guarantee); after every success the kept matrix must be the updated one and the eigenvalues
// finite, ascending and accurate against a long double reference of that matrix.
//
// Input: flags byte (bit 0 complex), n0 in [1, 5], the initial matrix, then operations until the input ends (at
// most 8): an operation byte (0 append, 1 remove, 2 rank-one, 3 redecompose) and its arguments (values, an index).
#include <dptz/updates.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace dptz_fuzz;
constexpr const char* kTarget = "updater";

template <typename Updater>
struct State {
  typename Updater::Matrix A, Q;
  typename Updater::RealVector lambda;
  Eigen::ComputationInfo info;
  Index updates, redecompositions;
  explicit State(const Updater& up)
      : A(up.matrix()), Q(up.eigenvectors()), lambda(up.eigenvalues()), info(up.info()), updates(up.updates()),
        redecompositions(up.redecompositions()) {}
  bool same(const State& o) const {
    return sameBits(A, o.A) && sameBits(Q, o.Q) && sameBits(lambda, o.lambda) && info == o.info &&
           updates == o.updates && redecompositions == o.redecompositions;
  }
};

/// A + rho u u^* formed in long double and rounded once (Inf where an entry is beyond the range): in double the
/// product rho conj(u_c) u_r can overflow where the updated entry does not (M/2 - 1.25 DBL_MAX = -1.35e308).
/// magnitude: |A| + |rho| |u| |u|^T, the scale of each entry's rounding (the sum can cancel).
template <typename Scalar>
Mat<Scalar> rankOneUpdated(const Mat<Scalar>& A, Real<Scalar> rho, const Vec<Scalar>& u, Mat<LongReal>& magnitude) {
  using L = std::conditional_t<Eigen::NumTraits<Scalar>::IsComplex, std::complex<LongReal>, LongReal>;
  const Vec<L> ul = u.template cast<L>();
  const Mat<L> B = A.template cast<L>() + LongReal(rho) * ul * ul.adjoint();
  const Vec<LongReal> ua = ul.cwiseAbs();  // in long double: |u_k| of a double u can overflow (then 0 * inf)
  magnitude = A.cwiseAbs().template cast<LongReal>() + std::fabs(LongReal(rho)) * ua * ua.transpose();
  return B.template cast<Scalar>();
}

template <typename Scalar>
void run(Decoder& in) {
  using Updater = dptz::EigenUpdater<Mat<Scalar>>;
  using R = Real<Scalar>;
  const Index n0 = in.range(1, 5);
  bool exact = false;
  Mat<Scalar> A = in.matrix<Scalar>(n0, exact);
  describe("A0 (columns)", A);
  Updater up;
  // An empty updater refuses updates.
  if (call(kTarget, "dptz::EigenUpdater::append", [&] { up.append(Vec<Scalar>(0), Scalar(0)); }) != Outcome::Invalid)
    violation(kTarget, "append on an empty updater was not rejected");
  const Outcome o0 = call(kTarget, "dptz::EigenUpdater::compute", [&] { up.compute(A); });
  if (!allFinite(A)) {
    if (o0 != Outcome::Invalid) violation(kTarget, "compute accepted a non-finite matrix");
    return;
  }
  if (o0 != Outcome::Ok) {
    if (o0 == Outcome::Invalid && exact) violation(kTarget, "compute rejected an exactly Hermitian finite matrix");
    return;
  }
  if (!exact || up.info() != Eigen::Success) return;
  const Reference<Scalar> ref0(A, false);
  if (ref0.ok && ref0.clearlyUnrepresentable())
    violation(kTarget, "compute returned although an eigenvalue (" + num(ref0.norm()) +
                           " in magnitude) is not representable: it must throw");
  if (ref0.ok && ref0.representable()) checkEigenvalues(kTarget, "compute", up.eigenvalues());
  LongReal maxNorm = ref0.norm();
  for (int step = 0; step < 8 && !in.exhausted(); ++step) {
    const State<Updater> before(up);
    const Index n = up.rows();
    const int op = in.range(0, 3);
    Mat<Scalar> next = A;
    Mat<LongReal> magnitude = Mat<LongReal>::Zero(n, n);  // scale of each entry's rounding (rank-one only)
    bool mustReject = false;
    Outcome o = Outcome::Ok;
    if (op == 0) {
      Vec<Scalar> b(n);
      for (Index k = 0; k < n; ++k) b(k) = in.scalar<Scalar>();
      const bool wrongSize = in.byte() == 0xff;
      Scalar c = in.scalar<Scalar>();
      if (!Eigen::NumTraits<Scalar>::IsComplex || !in.flag()) c = Scalar(Eigen::numext::real(c));
      if (wrongSize) b.conservativeResize(n + 1), b(n) = Scalar(1);
      mustReject = wrongSize || !allFinite(b) || !allFinite(Vec<Scalar>::Constant(1, c)) ||
                   Eigen::numext::imag(c) != R(0);
      describe("append b", b), describe("c", double(Eigen::numext::real(c))), describe("c imag", double(Eigen::numext::imag(c)));
      o = call(kTarget, "dptz::EigenUpdater::append", [&] { up.append(b, c); });
      if (!mustReject) {
        next.conservativeResize(n + 1, n + 1);
        next.topRightCorner(n, 1) = b;
        next.bottomLeftCorner(1, n) = b.adjoint();
        next(n, n) = c;
      }
    } else if (op == 1) {
      const Index j = Index(std::int8_t(in.byte())) % (n + 2);
      mustReject = j < 0 || j >= n || n == 1;
      describe("remove", double(j));
      o = call(kTarget, "dptz::EigenUpdater::remove", [&] { up.remove(j); });
      if (!mustReject) {
        Mat<Scalar> M(n - 1, n - 1);
        for (Index c = 0, cc = 0; c < n; ++c) {
          if (c == j) continue;
          for (Index r = 0, rr = 0; r < n; ++r)
            if (r != j) M(rr++, cc) = A(r, c);
          ++cc;
        }
        next = M;
      }
    } else if (op == 2) {
      const R rho = R(in.value());
      Vec<Scalar> u(n);
      for (Index k = 0; k < n; ++k) u(k) = in.scalar<Scalar>();
      mustReject = !std::isfinite(rho) || !allFinite(u);
      describe("rankOneUpdate rho", double(rho)), describe("u", u);
      o = call(kTarget, "dptz::EigenUpdater::rankOneUpdate", [&] { up.rankOneUpdate(rho, u); });
      if (!mustReject) next = rankOneUpdated(A, rho, u, magnitude);
    } else {
      describe("redecompose");
      o = call(kTarget, "dptz::EigenUpdater::redecompose", [&] { up.redecompose(); });
    }
    const std::string what = std::string("operation ") + std::to_string(op) + " at step " + std::to_string(step);
    if (o != Outcome::Ok) {
      if (!before.same(State<Updater>(up))) violation(kTarget, what + " threw and left the updater changed");
      if (o == Outcome::Invalid && !mustReject) violation(kTarget, what + ": valid arguments rejected");
      if (o == Outcome::Unrepresentable) {
        const Reference<Scalar> ref(next, false);
        if (allFinite(next) && ref.ok && ref.representable())
          violation(kTarget, what + " threw NumericalError/overflow_error although the new eigenvalues are representable");
      }
      if (mustReject && o != Outcome::Invalid) violation(kTarget, what + ": bad arguments not rejected");
      continue;
    }
    if (mustReject) violation(kTarget, what + ": bad arguments accepted");
    if (up.info() != Eigen::Success) return;
    const Reference<Scalar> ref(next, false);
    if (!ref.ok) return;
    if (!allFinite(next) || ref.clearlyUnrepresentable()) {
      violation(kTarget, what + " returned although the new eigenvalues (" + num(ref.norm()) +
                             " in magnitude) are not representable: it must throw and leave the updater unchanged");
    }
    // The kept matrix: the exact update (append and remove exactly; rank-one to the rounding of A_rc + rho u_r u_c^*,
    // relative to |A_rc| + |rho u_r u_c| since the sum can cancel, and absolute, a few units of the smallest
    // subnormal, where the products fall below the normal range).
    const LongReal maxTol = 4 * LongReal(kEps) * (up.matrix().cwiseAbs().maxCoeff() + next.cwiseAbs().maxCoeff()) +
                            4 * LongReal(std::numeric_limits<R>::denorm_min());
    if (up.matrix().rows() != next.rows())
      violation(kTarget, what + ": matrix() is not the updated matrix");
    if (magnitude.rows() != next.rows()) magnitude = Mat<LongReal>::Zero(next.rows(), next.cols());
    const Mat<LongReal> entryErr = (up.matrix() - next).cwiseAbs().template cast<LongReal>();
    if (!(entryErr.array() <= maxTol + 4 * LongReal(kEps) * magnitude.array()).all())
      violation(kTarget, what + ": matrix() is not the updated matrix");
    A = up.matrix();
    if (!ref.representable()) return;  // at the edge of the range: either outcome
    checkEigenvalues(kTarget, what.c_str(), up.eigenvalues());
    if (!allFinite(up.eigenvectors())) violation(kTarget, what + ": eigenvectors() not finite");
    // Each update adds rounding of order eps times the largest norm met so far (a later cancellation does not
    // remove it): |lambda - ref| <= 1e3 n eps (steps + 1) max ||A||.
    maxNorm = std::max(maxNorm, ref.norm());
    const LongReal tol = 1e3L * LongReal(up.rows()) * LongReal(kEps) * LongReal(step + 2) * maxNorm + 8 * LongReal(DBL_MIN);
    for (Index i = 0; i < ref.lambda.size(); ++i)
      if (!(std::fabs(LongReal(up.eigenvalues()(i)) - ref.lambda(i)) <= tol))
        violation(kTarget, what + ": eigenvalue " + std::to_string(i) + " = " + num(up.eigenvalues()(i)) +
                               ", reference " + num(ref.lambda(i)) + ", beyond " + num(tol));
    const R drift = up.drift();
    if (!(drift <= R(1e3) * R(up.rows()) * R(kEps) * R(step + 2)))
      violation(kTarget, what + ": drift() = ||Q^*Q - I||_1 = " + num(drift));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Decoder in(data, size);
  if (in.byte() & 1)
    run<std::complex<double>>(in);
  else
    run<double>(in);
  return 0;
}
