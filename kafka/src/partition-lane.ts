import type { KafkaMessage } from "kafkajs";
import { createOffsetTracker, type OffsetTracker } from "./offset-tracker.ts";

/**
 * What a consumer keeps per partition it owns: the offsets it took (for commits) and, for
 * an ordered Trigger, one queue per partition key, each delivering one record at a time.
 */
export interface PartitionLane {
  readonly partition: number;
  readonly tracker: OffsetTracker;
  /** Ordered Triggers: records taken and not started, per partition key ("" for none). */
  readonly queues: Map<string, KafkaMessage[]>;
  /** Ordered Triggers: the delivery running now per partition key. */
  readonly current: Map<string, Promise<void>>;
  /** False once the partition went to another member: nothing of it is committed any more. */
  owned: boolean;
  /** Ordered Triggers: the previous owner's deliveries here, which must end before this lane starts. */
  readonly after: Promise<unknown>;
  /** The highest offset fetched (taken or seen again). */
  fetched: bigint | undefined;
}

export function createPartitionLane(
  partition: number,
  after: Promise<unknown> = Promise.resolve(),
): PartitionLane {
  return {
    partition,
    tracker: createOffsetTracker(),
    queues: new Map(),
    current: new Map(),
    owned: true,
    after,
    fetched: undefined,
  };
}

/** Records of an ordered lane taken and not started. */
export function queuedRecords(lane: PartitionLane): number {
  let count = 0;
  for (const queue of lane.queues.values()) count += queue.length;
  return count;
}

/** The partition key of a record: its Kafka key ("" when it has none). */
export function recordKey(message: KafkaMessage): string {
  return message.key ? message.key.toString("utf8") : "";
}
