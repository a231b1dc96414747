import type { MeshEvent } from "@mesh-six/events";
import { errorMessage } from "@mesh-six/shared/errors";
import type { Logger } from "@mesh-six/shared/ports/logger";
import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import { createCommitQueue } from "./commit-queue.ts";
import type { DeliveryResult } from "./delivery.ts";
import { createPartitionLane, type PartitionLane, queuedRecords, recordKey } from "./partition-lane.ts";
import { recordToEvent } from "./record-binding.ts";

export interface TriggerConsumerSettings {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly groupId: string;
  /** One event at a time per partition key (`delivery.order: ordered`), else up to `maxInFlight` at once. */
  readonly ordered: boolean;
  /** Unordered: deliveries in flight; ordered: records taken and waiting, per partition. */
  readonly maxInFlight: number;
  readonly matches: (event: MeshEvent) => boolean;
  /** Delivers one matching event; `signal` is aborted when the consumer stops. */
  readonly deliver: (event: MeshEvent, signal: AbortSignal) => Promise<DeliveryResult>;
  readonly logger: Logger;
  /** kafkajs consumer settings (session timeout, heartbeat interval, …). */
  readonly consumer?: Omit<ConsumerConfig, "groupId">;
  /** How often finished offsets are committed (default 100 ms); stopping commits at once. */
  readonly commitIntervalMs?: number;
}

export interface TriggerConsumer {
  start(): Promise<void>;
  /** Stops fetching, lets running deliveries finish, commits what they finished, leaves the group. */
  stop(): Promise<void>;
  /** Deliveries running now. */
  readonly running: number;
  /** The highest offset fetched per partition. */
  fetched(partition: number): bigint | undefined;
}

/**
 * One Trigger's consumer group on the Broker's topic. Records are taken from kafkajs
 * batches without waiting for their delivery, so the member keeps heartbeating while a
 * delivery waits for a retry; a partition is paused while there is no room for more.
 * An offset is committed only when every record before it was delivered, filtered out
 * or stored as a dead letter. Each consumer runs once: start, then stop.
 */
export function createTriggerConsumer(settings: TriggerConsumerSettings): TriggerConsumer {
  const { kafka, topic, groupId, ordered, maxInFlight, matches, deliver } = settings;
  const logger = settings.logger.child({ group: groupId });
  const lanes = new Map<number, PartitionLane>();
  // lanes of partitions that went to another member, until their deliveries end
  const retired = new Map<number, PartitionLane>();
  const running = new Set<Promise<void>>();
  const paused = new Set<number>();
  const stopping = new AbortController();
  let consumer: Consumer | undefined;
  let memberId: string | undefined;

  const commits = createCommitQueue(
    async (offsets) => {
      await consumer?.commitOffsets(offsets.map(({ partition, offset }) => ({ topic, partition, offset })));
    },
    { logger, intervalMs: settings.commitIntervalMs ?? 100 },
  );

  const hasRoom = (lane: PartitionLane) =>
    ordered ? queuedRecords(lane) < maxInFlight : running.size < maxInFlight;

  const resumePaused = () => {
    if (paused.size === 0 || stopping.signal.aborted || !consumer) return;
    const ready = [...paused].filter((partition) => {
      const lane = lanes.get(partition);
      return !lane || hasRoom(lane);
    });
    if (ready.length === 0) return;
    for (const partition of ready) paused.delete(partition);
    consumer.resume([{ topic, partitions: ready }]);
  };

  const handle = async (lane: PartitionLane, message: KafkaMessage) => {
    const parsed = recordToEvent(message);
    let result: DeliveryResult = "delivered";
    if (!parsed.ok) {
      logger.error("skipping a record that is not a CloudEvent", {
        partition: lane.partition,
        offset: message.offset,
        error: parsed.error,
      });
    } else if (matches(parsed.event)) result = await deliver(parsed.event, stopping.signal);
    if (result === "abandoned") return;
    const offset = lane.tracker.done(message.offset);
    if (offset !== undefined && lane.owned) commits.set({ partition: lane.partition, offset });
  };

  const track = (lane: PartitionLane, message: KafkaMessage): Promise<void> => {
    const delivery = handle(lane, message)
      .catch((error: unknown) => {
        // not committed: delivered again after a restart or a rebalance
        logger.error("delivery crashed", {
          partition: lane.partition,
          offset: message.offset,
          error: errorMessage(error),
        });
      })
      .finally(() => {
        running.delete(delivery);
        resumePaused();
      });
    running.add(delivery);
    return delivery;
  };

  /** Ordered: delivers the key's queued records one after another. */
  const pump = (lane: PartitionLane, key: string) => {
    if (lane.current.has(key)) return;
    const queue = lane.queues.get(key);
    if (!queue) return;
    const work = (async () => {
      await lane.after;
      for (;;) {
        const message = queue.shift();
        if (!message || !lane.owned || stopping.signal.aborted) break;
        await track(lane, message);
      }
      lane.queues.delete(key);
      lane.current.delete(key);
      resumePaused();
    })();
    lane.current.set(key, work);
  };

  const laneFor = (partition: number) => {
    let lane = lanes.get(partition);
    if (!lane) {
      const previous = retired.get(partition);
      retired.delete(partition);
      lane = createPartitionLane(partition, Promise.all(previous ? previous.current.values() : []));
      lanes.set(partition, lane);
    }
    return lane;
  };

  const take = (lane: PartitionLane, message: KafkaMessage) => {
    if (!ordered) {
      void track(lane, message);
      return;
    }
    const key = recordKey(message);
    const queue = lane.queues.get(key);
    if (queue) queue.push(message);
    else lane.queues.set(key, [message]);
    pump(lane, key);
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
    const lane = laneFor(batch.partition);
    for (const message of batch.messages) {
      if (stopping.signal.aborted || !isRunning() || isStale()) break;
      if (!hasRoom(lane)) {
        paused.add(lane.partition);
        consumer?.pause([{ topic, partitions: [lane.partition] }]);
        break;
      }
      if (lane.tracker.take(message.offset)) take(lane, message);
      const offset = BigInt(message.offset);
      if (lane.fetched === undefined || offset > lane.fetched) lane.fetched = offset;
      resolveOffset(message.offset);
    }
    await heartbeat();
  };

  /** After a rebalance: keep the lanes of partitions this member kept, retire the others. */
  const onJoin = (member: string, assignment: readonly number[]) => {
    const kept = member === memberId ? new Set(assignment) : new Set<number>();
    memberId = member;
    for (const [partition, lane] of lanes) {
      if (kept.has(partition)) continue;
      lane.owned = false;
      commits.drop(partition);
      lanes.delete(partition);
      retired.set(partition, lane);
    }
    logger.debug("joined the consumer group", { memberId: member, partitions: assignment });
    resumePaused();
  };

  return {
    get running() {
      return running.size;
    },
    fetched: (partition) => lanes.get(partition)?.fetched,
    async start() {
      const created = kafka.consumer({ maxWaitTimeInMs: 1000, ...settings.consumer, groupId });
      created.on(created.events.GROUP_JOIN, ({ payload }) =>
        onJoin(payload.memberId, payload.memberAssignment[topic] ?? []),
      );
      created.on(created.events.CRASH, ({ payload }) =>
        logger.error("the consumer crashed", {
          error: errorMessage(payload.error),
          restart: payload.restart,
        }),
      );
      consumer = created;
      await created.connect();
      // a group that never committed starts at the oldest retained event, so nothing
      // published before its first start is missed
      await created.subscribe({ topic, fromBeginning: true });
      await created.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
    },
    async stop() {
      stopping.abort(new Error("the broker is stopping"));
      const current = consumer;
      if (!current) return;
      current.pause([{ topic }]);
      const lanesNow = () => [...lanes.values(), ...retired.values()];
      while (running.size > 0 || lanesNow().some((lane) => lane.current.size > 0)) {
        await Promise.all([...running, ...lanesNow().flatMap((lane) => [...lane.current.values()])]);
      }
      await commits.flush();
      await current.disconnect();
    },
  };
}
