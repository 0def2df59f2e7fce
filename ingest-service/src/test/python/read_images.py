#!/usr/bin/python3
"""Reads ImageCaptured events the way an outside consumer would, with nothing from Coilsight.

Consumes a topic from the beginning with confluent_kafka (librdkafka), takes each value apart by the
Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro binary), fetches the writer
schema from the registry's Confluent-compatible API (GET /schemas/ids/{id}), decodes the record with
the Apache Avro library and prints one JSON line per record: every scalar field, the SHA-256 and
length of the image bytes, the schema id, key, partition and offset.

Run with Debian's interpreter and packages (python3-confluent-kafka, python3-avro):
  /usr/bin/python3 read_images.py --bootstrap HOST:PORT --registry URL --topic TOPIC --count N
Exit status 0 when N records were read within the timeout, 1 otherwise.
"""
import argparse
import datetime
import hashlib
import io
import json
import struct
import sys
import time
import urllib.request
import uuid

import avro.io
import avro.schema
from confluent_kafka import Consumer, KafkaError


def writer_schema(registry, schema_id, cache):
    if schema_id not in cache:
        with urllib.request.urlopen(f"{registry.rstrip('/')}/schemas/ids/{schema_id}", timeout=10) as response:
            cache[schema_id] = avro.schema.parse(json.load(response)["schema"])
    return cache[schema_id]


def millis(value):
    # The Avro library turns timestamp-millis into an aware datetime; older ones leave the long.
    if isinstance(value, datetime.datetime):
        return round(value.timestamp() * 1000)
    return value


def decode(message, registry, cache):
    payload = message.value()
    if len(payload) < 5 or payload[0] != 0:
        raise ValueError(f"not in the Confluent wire format: starts with {payload[:5].hex()}")
    schema_id = struct.unpack(">I", payload[1:5])[0]
    reader = avro.io.DatumReader(writer_schema(registry, schema_id, cache))
    record = reader.read(avro.io.BinaryDecoder(io.BytesIO(payload[5:])))
    image = record["bytes"]
    return {
        "imageId": record["imageId"],
        "coilId": record["coilId"],
        "cameraId": record["cameraId"],
        "sequence": record["sequence"],
        "capturedAtMillis": millis(record["capturedAt"]),
        "positionMm": record.get("positionMm"),
        "lineId": record.get("lineId"),
        "encoding": record["encoding"],
        "width": record["width"],
        "height": record["height"],
        "bytesLength": len(image),
        "bytesSha256": hashlib.sha256(image).hexdigest(),
        "schemaId": schema_id,
        "key": message.key().decode("utf-8") if message.key() is not None else None,
        "partition": message.partition(),
        "offset": message.offset(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--registry", required=True, help="Confluent-compatible registry URL, e.g. .../apis/ccompat/v7")
    parser.add_argument("--topic", required=True)
    parser.add_argument("--count", type=int, required=True, help="records to wait for")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for them")
    args = parser.parse_args()

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": f"python-reader-{uuid.uuid4()}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    consumer.subscribe([args.topic])
    cache = {}
    seen = 0
    deadline = time.monotonic() + args.timeout
    settle_until = None  # after the expected count, keep reading briefly: a duplicate would show up
    try:
        while time.monotonic() < (settle_until or deadline):
            message = consumer.poll(0.2)
            if message is None:
                continue
            if message.error():
                if message.error().code() == KafkaError._PARTITION_EOF:
                    continue
                print(f"consumer error: {message.error()}", file=sys.stderr)
                return 1
            print(json.dumps(decode(message, args.registry, cache)), flush=True)
            seen += 1
            if seen >= args.count and settle_until is None:
                settle_until = time.monotonic() + 1.0
    finally:
        consumer.close()
    if seen < args.count:
        print(f"read {seen} of {args.count} records from {args.topic} in {args.timeout} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
