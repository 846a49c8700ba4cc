// dptz — configuration: backends and the LAPACK switch.
#ifndef DPTZ_CONFIG_HPP
#define DPTZ_CONFIG_HPP

#include <Eigen/Core>

// The CMake target defines DPTZ_HAS_LAPACKE when LAPACKE + LAPACK were found (option DPTZ_WITH_LAPACK).
// A project that does not use CMake may define it by hand and link -llapacke -llapack.

namespace dptz {

/// Where eigenvalues of A and of its minors come from.
enum class Backend {
  Default,  ///< the faster of the available backends for the scalar type (LAPACK where it applies)
  Eigen,    ///< Eigen::SelfAdjointEigenSolver without vectors: every scalar type Eigen supports
  Lapack    ///< LAPACKE ?syevd / ?heevd without vectors: float, double, std::complex<float/double>
};

/// True when this build can call LAPACK (the target found LAPACKE).
constexpr bool hasLapack() noexcept {
#ifdef DPTZ_HAS_LAPACKE
  return true;
#else
  return false;
#endif
}

}  // namespace dptz

#endif  // DPTZ_CONFIG_HPP
