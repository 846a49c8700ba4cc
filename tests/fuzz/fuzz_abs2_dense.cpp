// Fuzz target abs2_dense: dptz::eigenvectorsAbs2 on dynamic-size real and complex matrices, all rows (O(n^4) minors)
// and the rows path (one tridiagonalization per row), with every backend and cluster tolerance.
//
// Input: flags byte (bit 0 complex, bit 1 rows path, bits 2-3 backend, bit 4 explicit clusterTolerance), n in
// [1, 10], the matrix (Decoder::matrix), the tolerance if asked, then for the rows path a count in [0, 4] and that
// many signed row indices.
#include <dptz/eigenvectors_abs2.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace dptz_fuzz;
constexpr const char* kTarget = "abs2_dense";

template <typename Scalar>
void run(Decoder& in, unsigned flags) {
  const bool rowsPath = (flags & 2) != 0;
  const int backendCode = int((flags >> 2) & 3);
  dptz::Abs2Options opt;
  opt.backend = backendCode == 1 ? dptz::Backend::Eigen : backendCode == 2 ? dptz::Backend::Lapack : dptz::Backend::Default;
  opt.threads = 1;
  const Index n = in.range(1, 10);
  bool exact = false;
  const Mat<Scalar> A = in.matrix<Scalar>(n, exact);
  if (flags & 16) opt.clusterTolerance = in.value();
  std::vector<Index> rows;
  bool badIndex = false;
  if (rowsPath) {
    const int count = in.range(0, 4);
    for (int k = 0; k < count; ++k) {
      const Index j = Index(std::int8_t(in.byte())) % (n + 2);
      badIndex = badIndex || j < 0 || j >= n;
      rows.push_back(j);
    }
  } else {
    for (Index j = 0; j < n; ++j) rows.push_back(j);
  }
  describe(rowsPath ? "rows path" : "all rows"), describe("backend", backendCode), describe("A (columns)", A);
  describe("clusterTolerance", opt.clusterTolerance);
  if (rowsPath) describe("rows", Eigen::Map<const Eigen::Matrix<Index, Eigen::Dynamic, 1>>(rows.data(), Index(rows.size())).cast<double>().eval());
  const bool finite = allFinite(A);
  const bool badOption = std::isnan(opt.clusterTolerance) ||
                         (opt.backend == dptz::Backend::Lapack && !dptz::hasLapack());
  Mat<Real<Scalar>> W;
  const Outcome outcome = call(kTarget, "dptz::eigenvectorsAbs2", [&] {
    W = rowsPath ? dptz::eigenvectorsAbs2(A, rows, opt) : dptz::eigenvectorsAbs2(A, opt);
  });
  const bool mustReject = !finite || badOption || badIndex;
  if (mustReject) {
    if (outcome != Outcome::Invalid)
      violation(kTarget, "bad input (non-finite entry, NaN tolerance or row out of range) was not rejected with "
                         "std::invalid_argument");
    return;
  }
  if (outcome == Outcome::Invalid) {
    if (exact) violation(kTarget, "an exactly Hermitian finite matrix was rejected");
    return;
  }
  if (outcome == Outcome::Unrepresentable)
    violation(kTarget, "|V|^2 is always representable, but the call threw NumericalError/overflow_error");
  if (W.rows() != Index(rows.size()) || W.cols() != n) violation(kTarget, "result has the wrong size");
  checkEntries(kTarget, rowsPath ? "rows path" : "all rows", W);
  if (!exact) return;
  const Reference<Scalar> ref(A);
  if (!ref.ok) return;
  checkSums(kTarget, rowsPath ? "rows path" : "all rows", W, true, allRowsSumTolerance(n));
  if (!rowsPath) checkSums(kTarget, "all rows", W, false, allRowsSumTolerance(n));
  if (opt.clusterTolerance < 0) checkAbs2Accurate(kTarget, rowsPath ? "rows path" : "all rows", W, rows, ref.lambda, ref.abs2);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Decoder in(data, size);
  const unsigned flags = in.byte();
  if (flags & 1)
    run<std::complex<double>>(in, flags);
  else
    run<double>(in, flags);
  return 0;
}
