module vllm-kserve.invalid/tools/kserve-0.20

go 1.26.0

// The KServe controller that reconciles what the chart renders at the kserve-0.20 level (upstream
// v0.20.0, which stands in for OpenShift AI 3.5: its InferenceService CRDs are byte-identical to
// v0.20.0's), wired by main.go so that it listens on 127.0.0.1 only.

require (
	github.com/kedacore/keda/v2 v2.18.0
	github.com/kserve/kserve v0.20.0
	k8s.io/api v0.35.3
	k8s.io/client-go v0.35.3
	knative.dev/serving v0.48.1
	sigs.k8s.io/controller-runtime v0.23.3
	sigs.k8s.io/gateway-api v1.5.1
)

// Restated from KServe's own go.mod, whose exclude and replace lines a dependent module does not
// inherit. The pins matter: KServe v0.20.0 requires k8s.io v0.35 and controller-runtime v0.23 but is
// built against controller-runtime v0.22.5 and the k8s.io v0.34 line that goes with it.
exclude google.golang.org/grpc/stats/opentelemetry v0.0.0-00010101000000-000000000000

replace sigs.k8s.io/controller-runtime => sigs.k8s.io/controller-runtime v0.22.5

replace (
	k8s.io/api => k8s.io/api v0.34.5
	k8s.io/apiextensions-apiserver => k8s.io/apiextensions-apiserver v0.34.3
	k8s.io/apimachinery => k8s.io/apimachinery v0.34.5
	k8s.io/apiserver => k8s.io/apiserver v0.34.3
	k8s.io/client-go => k8s.io/client-go v0.34.5
	k8s.io/code-generator => k8s.io/code-generator v0.34.3
	k8s.io/component-base => k8s.io/component-base v0.34.3
	k8s.io/component-helpers => k8s.io/component-helpers v0.34.3
)

replace github.com/expr-lang/expr => github.com/expr-lang/expr v1.17.7

replace google.golang.org/grpc => google.golang.org/grpc v1.79.3

replace github.com/lyft/protoc-gen-validate => github.com/envoyproxy/protoc-gen-validate v1.0.4
