//go:build tools

// Package tools pins kube-apiserver as a dependency of this wrapper module so
// that `go mod tidy` keeps its whole import graph in go.mod/go.sum.
// Build with: go build k8s.io/kubernetes/cmd/kube-apiserver (see ../build.sh).
package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
