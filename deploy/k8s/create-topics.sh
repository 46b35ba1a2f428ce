# Creates every Sluice topic and its dead-letter topic, idempotently, with the sluice/kafka image's Kafka tools:
# the topic-creation Job of topics.yaml (kustomize makes it the ConfigMap sluice-topics) and deploy/compose.yaml.
# Settings: SLUICE_KAFKA (bootstrap servers), PARTITIONS, REPLICATION, MIN_INSYNC_REPLICAS.
set -eu
create() { # topic [--config k=v]...
  topic="$1"; shift
  java -XX:TieredStopAtLevel=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp '/opt/kafka/libs/*' \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$SLUICE_KAFKA" \
    --create --if-not-exists --topic "$topic" --partitions "$PARTITIONS" --replication-factor "$REPLICATION" \
    --config min.insync.replicas="$MIN_INSYNC_REPLICAS" "$@"
}
# one JVM per topic, a few at a time; any failure fails the script
pids=()
for topic in sluice.storage.notifications sluice.datasets sluice.training sluice.training.requests sluice.evaluations \
             sluice.deployments sluice.deployment-commands sluice.registry-commands \
             sluice.predictions sluice.feedback sluice.monitoring; do
  create "$topic" & pids+=($!)
  create "$topic.dlt" & pids+=($!)
  while [ "$(jobs -rp | wc -l)" -ge 4 ]; do wait -n || exit 1; done
done
create sluice.deployment-state --config cleanup.policy=compact --config min.cleanable.dirty.ratio=0.1 & pids+=($!)
create sluice.deployment-state.dlt & pids+=($!)
create sluice.registry --config cleanup.policy=compact --config min.cleanable.dirty.ratio=0.1 & pids+=($!)
create sluice.registry.dlt & pids+=($!)
for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || [ $? -eq 127 ]; done
