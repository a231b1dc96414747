import { loadConfig } from "@mesh-six/shared/config/env";
import { describe, expect, it } from "vitest";
import { kafkaBrokerFactory, parseKafkaBrokers } from "./host.ts";

describe("kafkaBrokerFactory", () => {
  it("leaves the broker to the host unless MESH_BROKER=kafka", () => {
    expect(kafkaBrokerFactory(loadConfig({}))).toBeUndefined();
    expect(kafkaBrokerFactory(loadConfig({ MESH_BROKER: "knative" }))).toBeUndefined();
  });

  it("makes a kafka broker factory when MESH_BROKER=kafka", () => {
    const config = loadConfig({ MESH_BROKER: "kafka", KAFKA_BROKERS: "kafka-0:9092" });
    expect(kafkaBrokerFactory(config)).toBeTypeOf("function");
  });

  it("names KAFKA_BROKERS when it is missing", () => {
    expect(() => kafkaBrokerFactory(loadConfig({ MESH_BROKER: "kafka" }))).toThrow(
      "KAFKA_BROKERS: MESH_BROKER=kafka needs the Kafka bootstrap servers; set KAFKA_BROKERS=host:port[,host:port…]",
    );
  });
});

describe("parseKafkaBrokers", () => {
  it("reads a comma-separated list of host:port", () => {
    expect(parseKafkaBrokers("kafka-0:9092, 10.0.0.7:19092")).toEqual(["kafka-0:9092", "10.0.0.7:19092"]);
  });

  it("says which entries are not host:port", () => {
    expect(() => parseKafkaBrokers("kafka-0:9092,kafka-1,http://x:1")).toThrow(
      'KAFKA_BROKERS: "kafka-1", "http://x:1" is not host:port; give a comma-separated list like kafka-0:9092,kafka-1:9092',
    );
  });
});
