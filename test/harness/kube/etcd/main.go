// Command etcd is a thin wrapper around etcd's own entry point.
//
// go.etcd.io/etcd/server/v3 cannot be `go install`ed directly because its
// go.mod carries relative replace directives; a tiny module of our own that
// requires it at a pinned version builds the same server from the proxy.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
