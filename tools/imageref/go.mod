module vllm-kserve.invalid/tools/imageref

go 1.26.0

// The image reference parser of the kubelet: the version k8s.io/kubernetes v1.36.3 requires.
require github.com/distribution/reference v0.6.0

require github.com/opencontainers/go-digest v1.0.0 // indirect
