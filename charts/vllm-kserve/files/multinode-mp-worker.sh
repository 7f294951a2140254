# Worker of a multi-node vLLM on the multiprocessing backend. vLLM needs each worker's node rank
# (1 to PIPELINE_PARALLEL_SIZE-1); the worker pods are alike, so a worker takes the position of its
# own IP among the sorted addresses of the workers' headless Service, which KServe names in
# WORKER_SVC, once all workers are listed there. The InferenceService's arguments (--headless, then
# the engine settings the head takes too) arrive as "$0" "$@".
expected=$((PIPELINE_PARALLEL_SIZE - 1))
rank=""
while :; do
  addresses=$(getent hosts "${WORKER_SVC}" | awk '{print $1}' | sort -u)
  listed=$(printf '%s\n' "${addresses}" | grep -c .)
  rank=$(printf '%s\n' "${addresses}" | grep -nFx "${POD_IP}" | cut -d: -f1)
  if [ -n "${rank}" ] && [ "${listed}" -ge "${expected}" ]; then
    break
  fi
  echo "waiting for ${expected} workers behind ${WORKER_SVC} (${listed} listed, ${SECONDS}s)"
  sleep 2
done
echo "node rank ${rank} of ${PIPELINE_PARALLEL_SIZE}"
exec vllm serve /mnt/models \
  --distributed-executor-backend=mp \
  --tensor-parallel-size="${TENSOR_PARALLEL_SIZE}" \
  --pipeline-parallel-size="${PIPELINE_PARALLEL_SIZE}" \
  --nnodes="${PIPELINE_PARALLEL_SIZE}" \
  --node-rank="${rank}" \
  --master-addr="${HEAD_SVC}.${POD_NAMESPACE}.svc.cluster.local" \
  --master-port="${MASTER_PORT}" \
  "$0" "$@"
