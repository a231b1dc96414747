import { type ICustomPartitioner, Partitioners } from "kafkajs";

/**
 * Keyed records go where the Java client (and so the Knative Kafka broker's receiver)
 * puts them: murmur2 of the key. Records without a `partitionkey` all go to the first
 * partition, so an ordered Trigger sees them in the order they were published, as on the
 * embedded broker.
 */
export const meshPartitioner: ICustomPartitioner = () => {
  const keyed = Partitioners.DefaultPartitioner();
  return (input) => {
    if (input.message.key !== null && input.message.key !== undefined) return keyed(input);
    const ids = input.partitionMetadata.map((partition) => partition.partitionId);
    return ids.length === 0 ? 0 : Math.min(...ids);
  };
};
