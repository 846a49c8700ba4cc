#!/usr/bin/python3
"""Writes the seed corpus tests/fuzz/corpus/<target>/<name> in the byte format of tests/fuzz/fuzz_common.hpp.

Seeds are the documented reproducers of known failures and ordinary inputs of every entry point; findings of fuzz
campaigns are committed as the minimized files libFuzzer wrote (see docs/fuzzing.md). Run: /usr/bin/python3
tests/fuzz/make_seeds.py (rewrites the seeds it owns, leaves other files alone).
"""
import math
import os
import struct
import sys

DBL_MAX = sys.float_info.max
SPECIALS = [0.0, -0.0, 1.0, -1.0, None, math.inf, -math.inf, DBL_MAX, -DBL_MAX, sys.float_info.min,
            -sys.float_info.min, 5e-324, -5e-324, 1e300, -1e300, 1e-300, -1e-300, 1e-310]


def val(x):
    """Decoder::value(): a special, a small multiple of 1/4, or the 8 literal bytes."""
    for i, s in enumerate(SPECIALS):
        if s is not None and s == x and math.copysign(1, s) == math.copysign(1, x):
            return bytes([i])
    if -20 <= x <= 11.75 and x * 4 == int(x * 4):
        return bytes([0x50 + int(x * 4)])
    return b"\x80" + struct.pack("<d", x)


def cval(z):
    return val(z.real) + val(z.imag)


def hermitian(entries, n, complex_=False):
    """Decoder::matrix mode 0: the lower triangle column by column (entries[(r, c)], r >= c; others 0)."""
    out = bytes([0])
    for c in range(n):
        for r in range(c, n):
            x = entries.get((r, c), 0.0)
            out += cval(complex(x)) if complex_ else val(x)
    return out


def diagonal(values):
    return {(k, k): v for k, v in enumerate(values)}


def seeds():
    s = {}
    # abs2_dense: flags (bit 0 complex, bit 1 rows path), n - 1, matrix.
    e = diagonal([1 + 1.9e-14, 1, 1, 1, 1])
    e[(1, 0)] = -1.33e-14
    s["abs2_dense/reproducer_near_repeated_column_sums"] = bytes([0, 4]) + hermitian(e, 5)
    big = {k: v * 8.99e307 for k, v in e.items()}
    s["abs2_dense/reproducer_near_repeated_column_sums_scale_8.99e307"] = bytes([0, 4]) + hermitian(big, 5)
    s["abs2_dense/reproducer_near_repeated_complex"] = bytes([1, 4]) + hermitian(e, 5, True)
    s["abs2_dense/reproducer_near_repeated_rows_path"] = bytes([2, 4]) + hermitian(e, 5) + bytes([5, 0, 1, 2, 3, 4])
    ordinary = {(0, 0): 2.0, (1, 0): 1.0, (1, 1): -1.0, (2, 1): 0.5, (2, 2): 3.0, (3, 0): -2.0, (3, 3): 0.25}
    s["abs2_dense/ordinary_4x4"] = bytes([0, 3]) + hermitian(ordinary, 4)
    s["abs2_dense/ordinary_4x4_rows"] = bytes([3, 3]) + hermitian(ordinary, 4, True) + bytes([2, 3, 0])

    # identity_solver: flags, then per call: options index (3: ComputeEigenvectors | ComputeEigenvectorsAbs2),
    # backend 0, n - 1, matrix.
    both = 3
    s["identity_solver/reproducer_entry_above_1_n8"] = bytes([0, both, 0, 7]) + hermitian(
        diagonal([-4.0000002235174179] + [-4.0] * 7), 8)
    s["identity_solver/reproducer_entry_above_1_n12"] = bytes([0, both, 0, 11]) + hermitian(
        diagonal([0.99999880790710449] + [1.0] * 11), 12)
    blk = diagonal([-2.0] * 6)
    blk[(1, 0)] = -9.5496943686157465e-12
    s["identity_solver/reproducer_block_column_sum"] = bytes([0, both, 0, 5]) + hermitian(blk, 6)
    s["identity_solver/ordinary_then_bad_options"] = (bytes([0, both, 0, 3]) + hermitian(ordinary, 4) +
                                                      bytes([9, 0, 3]) + hermitian(ordinary, 4))
    s["identity_solver/fixed3_rotations"] = bytes([2, 4, 0, 2]) + hermitian(ordinary, 3)

    # small: flags (bits 0-2 type: 1 Matrix3d, 3 Matrix3cd; bits 3-4 entry), matrix.
    M = DBL_MAX
    unrep = {(0, 0): -M, (1, 0): -M, (1, 1): 0.0, (2, 2): 0.0}
    s["small/reproducer_dbl_max_solver_3cd"] = bytes([3 | 1 << 3, 0]) + hermitian(unrep, 3, True)
    s["small/reproducer_dbl_max_solver_3d"] = bytes([1 | 1 << 3, 0]) + hermitian(unrep, 3)
    s["small/reproducer_dbl_max_abs2_3cd"] = bytes([3]) + hermitian(unrep, 3, True)
    s["small/reproducer_dbl_max_dispatch_3d"] = bytes([1 | 2 << 3]) + hermitian(unrep, 3)
    s["small/reproducer_dbl_max_batch_3cd"] = bytes([3 | 3 << 3, 1]) + hermitian(unrep, 3, True) + hermitian(ordinary, 3, True)
    s["small/ordinary_solver_2cd"] = bytes([2 | 1 << 3, 0]) + hermitian(ordinary, 2, True)

    # updater: flags, n0 - 1, matrix, then op 0 (append) b, a byte that is not 0xff, c.
    s["updater/reproducer_append_dbl_max"] = bytes([0, 0]) + hermitian({(0, 0): 2.0}, 1) + bytes([0]) + val(DBL_MAX) + bytes([0]) + val(0.0)
    s["updater/ordinary_sequence"] = (bytes([1, 2]) + hermitian(ordinary, 3, True) + bytes([0]) + cval(1 + 2j) +
                                      cval(0.5) + cval(-1) + bytes([0]) + cval(3) + bytes([0]) +
                                      bytes([1, 1]) + bytes([2]) + val(-0.5) + cval(1) + cval(1j) + cval(2) + bytes([3]))

    # secular: flags (bits 0-1 function, bit 2 raw lambda), n, lambda, z, c.
    s["secular/reproducer_bordered_dbl_max"] = bytes([4, 1]) + val(2.0) + val(DBL_MAX) + val(0.0)
    s["secular/ordinary_rank_one"] = bytes([2 | 4, 3]) + val(-1.0) + val(0.5) + val(2.0) + val(1.0) + val(0.25) + val(-0.5) + val(-2.0)
    s["secular/ordinary_minor"] = bytes([1 | 4, 3]) + val(-1.0) + val(0.5) + val(2.0) + val(0.25) + val(0.5) + val(0.25) + val(0.0)

    # tridiagonal: flags (bits 0-1: 0 rows, 1 gaussQuadrature, 2 classical), n - 1, alpha, beta, then mu0.
    def rule(alpha, beta, mu0):
        return bytes([1, len(alpha) - 1]) + b"".join(map(val, alpha)) + b"".join(map(val, beta)) + val(mu0)
    s["tridiagonal/reproducer_gauss_exponent_overflow"] = rule([0.0, -1e-255, 1.0000000000000001e+290], [1.0, 4.0], 2.4920097874293144e+35)
    s["tridiagonal/reproducer_gauss_node_inf"] = rule([0.0, DBL_MAX], [5.9923104495410527e+307], 1.0)
    s["tridiagonal/reproducer_gauss_dbl_max_beta"] = rule([0.0, 0.0, 0.0], [0.000118255615234375, DBL_MAX], 4.150151425066471e-322)
    s["tridiagonal/gauss_tiny_mu0"] = rule([0.5, -0.25, 1.0], [1.0, 0.5], 3.27e-201)
    s["tridiagonal/ordinary_rows"] = bytes([0, 3]) + b"".join(map(val, [1.0, 2.0, -1.0, 0.5])) + b"".join(map(val, [1.0, 0.25, 2.0])) + bytes([3, 0, 3, 1])
    s["tridiagonal/ordinary_laguerre"] = bytes([2, 2, 40, 0]) + val(0.5)
    s["tridiagonal/ordinary_jacobi"] = bytes([2, 3, 17, 0]) + val(-0.5) + val(1.5)

    # identity: flags (bits 0-1 raw lambda and mu), n, lambda, mu.
    def spectra(lam, mu, tol=None):
        flags = 3 | (8 if tol is not None else 0)
        out = bytes([flags, len(lam)]) + b"".join(map(val, lam)) + b"".join(map(val, mu))
        return out + (val(tol) if tol is not None else b"")
    s["identity/subnormal_interlacing"] = spectra([1e-323, 1e-320, 1e-310, 1e-300], [5e-322, 5e-315, 5e-301])
    s["identity/subnormal_interlacing_dense"] = spectra([5e-324, 1e-323, 1.5e-323, 1e-322, 1e-300],
                                                                   [5e-324, 1e-323, 5e-323, 1e-310])
    s["identity/ordinary"] = spectra([-1.0, 0.5, 2.0, 3.0], [0.0, 1.0, 2.5])
    return s


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    for name, data in seeds().items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    print("wrote %d seeds under %s" % (len(seeds()), root))


if __name__ == "__main__":
    main()
