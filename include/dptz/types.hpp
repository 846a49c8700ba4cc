// dptz — the library's public vocabulary: backends, options, clusters and the numerical-failure exception.
#ifndef DPTZ_TYPES_HPP
#define DPTZ_TYPES_HPP

#include <stdexcept>

#include <Eigen/Core>

// The CMake target defines DPTZ_HAS_LAPACKE when LAPACKE + LAPACK were found (option DPTZ_WITH_LAPACK).
// A project that does not use CMake may define it by hand and link -llapacke -llapack.

namespace dptz {

/// Where eigenvalues of A and of its minors come from.
enum class Backend {
  Default,  ///< the faster of the available backends for the scalar type and size (LAPACK where it applies)
  Eigen,    ///< Eigen::SelfAdjointEigenSolver without vectors: every scalar type Eigen supports
  Lapack    ///< LAPACKE ?sytrd / ?hetrd and ?sterf (eigenvalues only): float, double, std::complex<float/double>
};

/// True when this build can call LAPACK (the target found LAPACKE and defines DPTZ_HAS_LAPACKE).
constexpr bool hasLapack() noexcept {
#ifdef DPTZ_HAS_LAPACKE
  return true;
#else
  return false;
#endif
}

/// Thrown by free functions when an iterative step (an eigensolve, a root finder) fails to converge or when a
/// result is not representable in the scalar type. Solvers report the same conditions through info().
class NumericalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A run of numerically equal eigenvalues: positions first, ..., first + size - 1 of the ascending spectrum.
struct Cluster {
  Eigen::Index first = 0;  ///< position of the cluster's smallest eigenvalue
  Eigen::Index size = 1;   ///< number of eigenvalues in the cluster (1: a simple eigenvalue)
};

/// Options of eigenvectorsAbs2 (dense and rows paths) and of the tridiagonal rows path.
struct Abs2Options {
  Backend backend = Backend::Default;  ///< where eig(A) and eig(M_j) come from
  double clusterTolerance = -1;  ///< eigenvalues closer than this times ||A||_2 form a cluster; negative: n eps
  int threads = 0;  ///< OpenMP threads over minors; 0: OpenMP's default. Results never depend on it.
};

/// Options of the closed-form 2x2 / 3x3 path (the fields of Abs2Options it honours).
struct SmallOptions {
  double clusterTolerance = -1;  ///< eigenvalues closer than this times ||A||_2 form a cluster; negative: n eps
  int threads = 0;               ///< OpenMP threads of eigenvectorsAbs2Batch; 0: OpenMP's default
};

}  // namespace dptz

#endif  // DPTZ_TYPES_HPP
