// imageref answers, for each image reference on stdin (one per line), whether the kubelet can
// parse it: the kubelet reads a container's image with distribution/reference's
// ParseNormalizedNamed (k8s.io/kubernetes pkg/util/parsers.ParseImageName) and fails the
// container with InvalidImageName when it cannot. Each answer is one line: "ok", or "error: ...".
package main

import (
	"bufio"
	// digests are checked by the hash they name, which a binary has only where it links it, as the
	// kubelet does
	_ "crypto/sha256"
	_ "crypto/sha512"
	"fmt"
	"os"

	"github.com/distribution/reference"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		if _, err := reference.ParseNormalizedNamed(in.Text()); err != nil {
			fmt.Fprintf(out, "error: %v\n", err)
		} else {
			fmt.Fprintln(out, "ok")
		}
	}
}
