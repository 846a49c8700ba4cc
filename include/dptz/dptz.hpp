// dptz — eigenvector information of Hermitian matrices from eigenvalues alone (Denton–Parke–Tao–Zhang).
// One include brings the whole library.
#ifndef DPTZ_DPTZ_HPP
#define DPTZ_DPTZ_HPP

#include "types.hpp"
#include "identity.hpp"
#include "eigenvectors_abs2.hpp"
#include "small.hpp"
#include "lapack_eigen_solver.hpp"
#include "updates.hpp"
#include "identity_eigen_solver.hpp"
#include "tridiagonal.hpp"
#include "quadrature.hpp"

#endif  // DPTZ_DPTZ_HPP
