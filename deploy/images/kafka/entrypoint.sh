# Formats the KRaft log once, then runs the broker in the foreground (SIGTERM: controlled shutdown).
# Settings: every KAFKA_CFG_<NAME> variable becomes <name> (lower case, '_' -> '.') in server.properties,
# e.g. KAFKA_CFG_ADVERTISED_LISTENERS=PLAINTEXT://kafka:9092 (default: PLAINTEXT://<hostname>:9092).
set -euo pipefail
config=/var/lib/kafka/server.properties
cp /opt/kafka/server.properties "$config"
echo "advertised.listeners=PLAINTEXT://$(hostname):9092" >> "$config"
while IFS='=' read -r name value; do
  key="$(echo "${name#KAFKA_CFG_}" | tr '[:upper:]_' '[:lower:].')"
  echo "$key=$value" >> "$config"   # later lines win
done < <(env | grep '^KAFKA_CFG_' || true)
cp=(-cp '/opt/kafka/libs/*' -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info)
if [ ! -f /var/lib/kafka/data/meta.properties ]; then
  cluster_id="${KAFKA_CLUSTER_ID:-$(java "${cp[@]}" kafka.tools.StorageTool random-uuid)}"
  java "${cp[@]}" kafka.tools.StorageTool format --cluster-id="$cluster_id" --config="$config" --ignore-formatted
fi
exec java ${KAFKA_HEAP_OPTS:-} "${cp[@]}" kafka.Kafka "$config"
