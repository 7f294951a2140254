// Command kserve-manager runs KServe's InferenceService controller and admission webhooks (from the
// github.com/kserve/kserve module pinned in go.mod, v0.20.0) against the local control plane.
//
// It wires the same reconciler and webhooks as KServe's own cmd/manager at that version, but binds
// every server to 127.0.0.1: the upstream command listens for webhooks on all interfaces and has no
// flag to change that. TrainedModel, InferenceGraph, LocalModel and LLMInferenceService, which the
// chart never creates, are left out.
//
// Differences from the v0.15.2 wiring in tools/kserve: the manager's cache holds only Pods that carry
// the InferenceService label (the reconciler now watches Pods), and the reconciler also watches
// ServingRuntimes, so that CRD must be installed before it starts; ClusterServingRuntimes are watched
// only when their CRD exists, a check new at v0.20. The webhook paths are the same as at v0.15.2.
package main

import (
	"context"
	"flag"
	"net/http"
	"os"

	kedav1alpha1 "github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/record"
	knservingv1 "knative.dev/serving/pkg/apis/serving/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client/config"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/manager/signals"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	gatewayapiv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/kserve/kserve/pkg/apis/serving/v1alpha1"
	"github.com/kserve/kserve/pkg/apis/serving/v1beta1"
	"github.com/kserve/kserve/pkg/constants"
	isvccontroller "github.com/kserve/kserve/pkg/controller/v1beta1/inferenceservice"
	"github.com/kserve/kserve/pkg/utils"
	"github.com/kserve/kserve/pkg/webhook/admission/pod"
	"github.com/kserve/kserve/pkg/webhook/admission/servingruntime"
)

var log = ctrl.Log.WithName("kserve-manager")

func fail(err error, message string) {
	log.Error(err, message)
	os.Exit(1)
}

func main() {
	webhookPort := flag.Int("webhook-port", 9443, "port of the admission webhook server on 127.0.0.1")
	certDir := flag.String("cert-dir", "", "folder holding the webhook server's tls.crt and tls.key")
	probeAddr := flag.String("health-probe-addr", "127.0.0.1:0", "address of the health endpoints")
	zapOptions := zap.Options{}
	zapOptions.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOptions)))

	cfg, err := config.GetConfig()
	if err != nil {
		fail(err, "no kubeconfig")
	}
	clientSet, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		fail(err, "no clientset")
	}
	// Since v0.17 the reconciler watches Pods (to notice init-container status changes); KServe's own
	// cache options keep only Pods labelled with an InferenceService name in the informer.
	cacheOptions, err := isvccontroller.NewCacheOptions()
	if err != nil {
		fail(err, "cannot build the cache options")
	}
	mgr, err := manager.New(cfg, manager.Options{
		Metrics:                metricsserver.Options{BindAddress: "0"},
		WebhookServer:          webhook.NewServer(webhook.Options{Host: "127.0.0.1", Port: *webhookPort, CertDir: *certDir}),
		HealthProbeBindAddress: *probeAddr,
		Cache:                  cacheOptions,
	})
	if err != nil {
		fail(err, "cannot create the manager")
	}
	// Upstream now registers every API group it knows of in one go (pkg/scheme.AddAll); this keeps to
	// the groups the InferenceService controller touches.
	scheme := mgr.GetScheme()
	for _, add := range []func() error{
		func() error { return v1alpha1.AddToScheme(scheme) },
		func() error { return v1beta1.AddToScheme(scheme) },
		func() error { return corev1.AddToScheme(scheme) },
		func() error { return gatewayapiv1.Install(scheme) },
	} {
		if err := add(); err != nil {
			fail(err, "cannot extend the scheme")
		}
	}

	isvcConfigMap, err := v1beta1.GetInferenceServiceConfigMap(context.Background(), clientSet)
	if err != nil {
		fail(err, "cannot read the inferenceservice-config ConfigMap in "+constants.KServeNamespace)
	}
	// At this version deploy.defaultDeploymentMode is "Standard" or "Knative"; the older
	// "RawDeployment" and "Serverless" are still read and mapped onto them.
	deployConfig, err := v1beta1.NewDeployConfig(isvcConfigMap)
	if err != nil {
		fail(err, "bad deploy config")
	}
	ingressConfig, err := v1beta1.NewIngressConfig(isvcConfigMap)
	if err != nil {
		fail(err, "bad ingress config")
	}
	if _, err := v1beta1.NewMultiNodeConfig(isvcConfigMap); err != nil {
		fail(err, "bad multiNode config")
	}
	// Standard (raw) InferenceServices with the keda autoscaler class get a KEDA ScaledObject when
	// KEDA's CRD is installed.
	if found, err := utils.IsCrdAvailable(cfg, kedav1alpha1.SchemeGroupVersion.String(), constants.KedaScaledObjectKind); err != nil {
		fail(err, "cannot look for KEDA")
	} else if found {
		if err := kedav1alpha1.AddToScheme(scheme); err != nil {
			fail(err, "cannot add KEDA to the scheme")
		}
	}
	// Knative-mode (formerly Serverless) InferenceServices become Knative Services when Knative's CRD
	// is installed.
	if found, err := utils.IsCrdAvailable(cfg, knservingv1.SchemeGroupVersion.String(), constants.KnativeServiceKind); err != nil {
		fail(err, "cannot look for Knative")
	} else if found {
		if err := knservingv1.AddToScheme(scheme); err != nil {
			fail(err, "cannot add Knative to the scheme")
		}
	}

	events := record.NewBroadcaster()
	events.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: clientSet.CoreV1().Events("")})
	if err := (&isvccontroller.InferenceServiceReconciler{
		Client:    mgr.GetClient(),
		Clientset: clientSet,
		Log:       ctrl.Log.WithName("InferenceService"),
		Scheme:    scheme,
		Recorder:  events.NewRecorder(scheme, corev1.EventSource{Component: "v1beta1Controllers"}),
	}).SetupWithManager(mgr, deployConfig, ingressConfig); err != nil {
		fail(err, "cannot set up the InferenceService controller")
	}

	hooks := mgr.GetWebhookServer()
	decoder := admission.NewDecoder(scheme)
	hooks.Register("/mutate-pods", &webhook.Admission{Handler: &pod.Mutator{Client: mgr.GetClient(), Clientset: clientSet, Decoder: decoder}})
	hooks.Register("/validate-serving-kserve-io-v1alpha1-servingruntime",
		&webhook.Admission{Handler: &servingruntime.ServingRuntimeValidator{Client: mgr.GetClient(), Decoder: decoder}})
	// Served by controller-runtime on /mutate-serving-kserve-io-v1beta1-inferenceservice and
	// /validate-serving-kserve-io-v1beta1-inferenceservice, as in config/webhook/manifests.yaml.
	if err := ctrl.NewWebhookManagedBy(mgr).For(&v1beta1.InferenceService{}).
		WithDefaulter(&v1beta1.InferenceServiceDefaulter{}).
		WithValidator(&v1beta1.InferenceServiceValidator{}).
		Complete(); err != nil {
		fail(err, "cannot register the InferenceService webhooks")
	}

	ready := func(req *http.Request) error { return hooks.StartedChecker()(req) }
	if err := mgr.AddHealthzCheck("healthz", ready); err != nil {
		fail(err, "cannot add the health check")
	}
	if err := mgr.AddReadyzCheck("readyz", ready); err != nil {
		fail(err, "cannot add the ready check")
	}
	log.Info("starting", "webhooks", hooks)
	if err := mgr.Start(signals.SetupSignalHandler()); err != nil {
		fail(err, "the manager stopped")
	}
}
