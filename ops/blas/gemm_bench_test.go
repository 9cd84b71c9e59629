package blas

import (
	"errors"
	"fmt"
	"testing"
)

// BenchmarkGemm times the five products of one training step of the book's
// network (batch 100, 784 pixels, 100 hidden units, 10 classes) per backend
// and element type: x·w01 (100×784·784×100), hd·w12, hdᵀ·d2, d2·w12ᵀ and
// xᵀ·d1 (784×100·100×100).
func BenchmarkGemm(b *testing.B) {
	prev := current.Load()
	b.Cleanup(func() { current.Store(prev) })
	for _, choice := range []string{Gonum, OpenBLAS} {
		b.Run(choice, func(b *testing.B) {
			if err := Select(choice); err != nil {
				if errors.Is(err, ErrUnavailable) {
					b.Skipf("no OpenBLAS here (install libopenblas0): %v", err)
				}
				b.Fatal(err)
			}
			b.Run("float64", benchStepProducts[float64])
			b.Run("float32", benchStepProducts[float32])
		})
	}
}

func benchStepProducts[T Float](b *testing.B) {
	const bs, px, hid, cls = 100, 784, 100, 10
	x, w01, hd, w12, d2, d1 := fill[T](bs*px, 1), fill[T](px*hid, 2), fill[T](bs*hid, 3), fill[T](hid*cls, 4), fill[T](bs*cls, 5), fill[T](bs*hid, 6)
	h, y, gw12, dh, gw01 := make([]T, bs*hid), make([]T, bs*cls), make([]T, hid*cls), make([]T, bs*hid), make([]T, px*hid)
	var scratch []T
	b.ReportAllocs()
	for b.Loop() {
		Gemm(false, false, bs, hid, px, x, w01, h, &scratch)    // x·w01
		Gemm(false, false, bs, cls, hid, hd, w12, y, &scratch)  // hd·w12
		Gemm(true, false, hid, cls, bs, hd, d2, gw12, &scratch) // hdᵀ·d2
		Gemm(false, true, bs, hid, cls, d2, w12, dh, &scratch)  // d2·w12ᵀ
		Gemm(true, false, px, hid, bs, x, d1, gw01, &scratch)   // xᵀ·d1
	}
}

// BenchmarkDenseKernel times dense products of several shapes three ways:
// OpenBLAS (when it loads), the block kernel reading A in place (gemmDense,
// what Gemm runs for small products and on gonum) and gonum's pure Go. It
// is the measurement behind denseKernelWork.
func BenchmarkDenseKernel(b *testing.B) {
	if sparseKernel() == "" {
		b.Skip("no block kernel on this CPU: " + sparseOff())
	}
	prev := current.Load()
	b.Cleanup(func() { current.Store(prev) })
	for _, s := range [][3]int{{100, 10, 100}, {100, 100, 10}, {100, 100, 100}, {100, 100, 256}, {1000, 10, 100}, {10000, 10, 100}} {
		m, n, k := s[0], s[1], s[2]
		a, bb, c := fill[float64](m*k, 0.1), fill[float64](k*n, 0.2), make([]float64, m*n)
		name := fmt.Sprintf("%dx%dx%d", m, n, k)
		for _, be := range []string{OpenBLAS, Gonum} {
			if err := Select(be); err != nil {
				continue // no OpenBLAS here
			}
			d := active()
			b.Run(name+"/"+be, func(b *testing.B) {
				for b.Loop() {
					d.dgemm(trans(false), trans(false), m, n, k, 1, a, k, bb, n, 0, c, n)
				}
			})
		}
		b.Run(name+"/kernel", func(b *testing.B) {
			for b.Loop() {
				gemmDense(opA{a: a, m: m, k: k}, n, bb, c, 1)
			}
		})
	}
}
