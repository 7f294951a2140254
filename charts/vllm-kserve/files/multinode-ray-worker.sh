# Ray worker of a multi-node vLLM: joins the head that KServe names in HEAD_SVC.
head="${HEAD_SVC}.${POD_NAMESPACE}.svc.cluster.local:6379"
until ray health-check --address "${head}" >/dev/null 2>&1; do
  echo "waiting for the Ray head at ${head} (${SECONDS}s)"
  sleep 5
done
exec ray start --address="${head}" --block
