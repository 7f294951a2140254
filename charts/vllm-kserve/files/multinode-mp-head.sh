# Head (node 0) of a multi-node vLLM on vLLM's own multiprocessing backend: it serves the API and
# waits on MASTER_PORT for the workers. KServe exports PIPELINE_PARALLEL_SIZE (the number of pods),
# TENSOR_PARALLEL_SIZE (accelerators per pod) and MODEL_DIR; the runtime's and the
# InferenceService's arguments arrive as "$0" "$@".
exec vllm serve "${MODEL_DIR}" \
  --distributed-executor-backend=mp \
  --tensor-parallel-size="${TENSOR_PARALLEL_SIZE}" \
  --pipeline-parallel-size="${PIPELINE_PARALLEL_SIZE}" \
  --nnodes="${PIPELINE_PARALLEL_SIZE}" \
  --node-rank=0 \
  --master-addr="${POD_IP}" \
  --master-port="${MASTER_PORT}" \
  "$0" "$@"
