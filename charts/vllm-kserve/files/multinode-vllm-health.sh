# Healthy while vLLM's /health answers 200.
code=$(curl -s -o /dev/null -w '%{http_code}' http://localhost:8080/health)
if [ "${code}" != "200" ]; then
  echo "vLLM /health answered ${code}"
  exit 1
fi
