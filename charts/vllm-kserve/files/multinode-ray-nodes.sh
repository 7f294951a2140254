# Healthy while every pipeline stage has joined the Ray cluster (the head sets RAY_ADDRESS; a
# worker asks the head service KServe names in HEAD_SVC). KServe tells the head how many nodes
# to expect in PIPELINE_PARALLEL_SIZE; upstream KServe tells workers in RAY_NODE_COUNT instead.
address="${RAY_ADDRESS:-${HEAD_SVC}.${POD_NAMESPACE}.svc.cluster.local:6379}"
expected="${PIPELINE_PARALLEL_SIZE:-${RAY_NODE_COUNT}}"
nodes=$(ray status --address "${address}" | grep -c node_)
if [ "${nodes}" -lt "${expected}" ]; then
  echo "only ${nodes} of ${expected} Ray nodes are registered"
  exit 1
fi
