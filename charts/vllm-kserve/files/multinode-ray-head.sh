# Ray head of a multi-node vLLM: KServe exports PIPELINE_PARALLEL_SIZE, TENSOR_PARALLEL_SIZE and
# MODEL_DIR; the runtime's and the InferenceService's arguments arrive as "$0" "$@".
ray start --head --disable-usage-stats --include-dashboard=false
until [ "$(ray status --address "${RAY_ADDRESS}" | grep -c node_)" -ge "${PIPELINE_PARALLEL_SIZE}" ]; do
  echo "waiting for ${PIPELINE_PARALLEL_SIZE} Ray nodes (${SECONDS}s)"
  sleep 2
done
ray status --address "${RAY_ADDRESS}"
exec python3 -m vllm.entrypoints.openai.api_server \
  --distributed-executor-backend=ray \
  --model="${MODEL_DIR}" \
  --tensor-parallel-size="${TENSOR_PARALLEL_SIZE}" \
  --pipeline-parallel-size="${PIPELINE_PARALLEL_SIZE}" \
  "$0" "$@"
