# Healthy while every pipeline stage has joined the Ray cluster (the head sets RAY_ADDRESS; a
# worker asks the head service KServe names in HEAD_SVC).
address="${RAY_ADDRESS:-${HEAD_SVC}.${POD_NAMESPACE}.svc.cluster.local:6379}"
nodes=$(ray status --address "${address}" | grep -c node_)
if [ "${nodes}" -lt "${PIPELINE_PARALLEL_SIZE}" ]; then
  echo "only ${nodes} of ${PIPELINE_PARALLEL_SIZE} Ray nodes are registered"
  exit 1
fi
