// dptz — scalar-type traits shared by the LAPACK backend and the closed-form 2x2 / 3x3 paths (internal).
#ifndef DPTZ_DETAIL_SCALAR_TRAITS_HPP
#define DPTZ_DETAIL_SCALAR_TRAITS_HPP

#include <complex>
#include <type_traits>

namespace dptz {
namespace detail {

/// True for the four standard scalar types: float, double, std::complex<float>, std::complex<double>.
template <typename Scalar>
struct IsStandardScalar
    : std::integral_constant<bool, std::is_same<Scalar, float>::value || std::is_same<Scalar, double>::value ||
                                       std::is_same<Scalar, std::complex<float>>::value ||
                                       std::is_same<Scalar, std::complex<double>>::value> {};

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_SCALAR_TRAITS_HPP
