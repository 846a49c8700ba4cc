// Gauss rules from dptz: integrate a few known integrals and print the errors.
#include <dptz/quadrature.hpp>

#include <cmath>
#include <cstdio>
#include <functional>

namespace {

double integrate(const dptz::QuadratureRule<double>& r, const std::function<double(double)>& f) {
  double s = 0;
  for (Eigen::Index i = 0; i < r.nodes.size(); ++i) s += r.weights[i] * f(r.nodes[i]);
  return s;
}

void report(const char* what, const dptz::QuadratureRule<double>& r, const std::function<double(double)>& f,
            double exact) {
  const double q = integrate(r, f);
  std::printf("  %-46s n = %4ld  quadrature = %.16f  exact = %.16f  rel. error = %.1e\n", what,
              long(r.nodes.size()), q, exact, std::abs(q - exact) / std::abs(exact));
}

}  // namespace

int main() {
  const double pi = std::acos(-1.0), e = std::exp(1.0);
  std::printf("Gauss rules (nodes by Newton on the three-term recurrence, weights by the eigenvector-eigenvalue "
              "identity):\n");
  for (Eigen::Index n : {5, 20, 1000}) {
    report("Legendre:  int_-1^1 exp(x) dx", dptz::gaussLegendre(n), [](double x) { return std::exp(x); },
           e - 1 / e);
    report("Legendre:  int_-1^1 1/(1+25x^2) dx (Runge)", dptz::gaussLegendre(n),
           [](double x) { return 1 / (1 + 25 * x * x); }, 2 * std::atan(5.0) / 5);
  }
  report("Hermite:   int exp(-x^2) cos(x) dx", dptz::gaussHermite(30), [](double x) { return std::cos(x); },
         std::sqrt(pi) * std::exp(-0.25));
  report("Laguerre:  int_0^inf exp(-x) cos(x) dx", dptz::gaussLaguerre(40), [](double x) { return std::cos(x); },
         0.5);
  report("Laguerre:  int_0^inf sqrt(x) exp(-x) x^3 dx (a=1/2)", dptz::gaussLaguerre(3, 0.5),
         [](double x) { return x * x * x; }, std::tgamma(4.5));
  report("Jacobi:    int_-1^1 exp(x)/sqrt(1-x^2) dx", dptz::gaussJacobi(15, -0.5, -0.5),
         [](double x) { return std::exp(x); }, pi * std::cyl_bessel_i(0.0, 1.0));
  // Any weight, from its recurrence coefficients: the Jacobi matrix of Chebyshev polynomials of the second kind
  // (weight sqrt(1-x^2), mu0 = pi/2): alpha = 0, beta = 1/2.
  const Eigen::Index n = 25;
  const auto cheb2 = dptz::gaussQuadrature(Eigen::VectorXd::Zero(n), Eigen::VectorXd::Constant(n - 1, 0.5), pi / 2);
  report("general:   int_-1^1 sqrt(1-x^2) exp(x) dx", cheb2, [](double x) { return std::exp(x); },
         pi * std::cyl_bessel_i(1.0, 1.0));
  return 0;
}
