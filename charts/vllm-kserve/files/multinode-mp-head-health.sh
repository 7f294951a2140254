# A worker is healthy while the head's vLLM answers /health: on the multiprocessing backend the
# workers serve nothing themselves, and they stop with the head.
code=$(curl -s -o /dev/null -w '%{http_code}' "http://${HEAD_SVC}.${POD_NAMESPACE}.svc.cluster.local:8080/health")
if [ "${code}" != "200" ]; then
  echo "the head's vLLM /health answered ${code}"
  exit 1
fi
