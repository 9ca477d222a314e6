package dev.lockstep.device.pjrt;

import java.io.ByteArrayOutputStream;

/**
 * The serialized {@code xla.CompileOptionsProto} that {@code PJRT_Client_Compile} takes, written by hand for
 * the few fields the binding sets (field numbers from xla/pjrt/proto/compile_options.proto and xla_data.proto):
 * one replica, one partition, and a device assignment naming the one device the program runs on.
 */
final class CompileOptions {
    private CompileOptions() {}

    // CompileOptionsProto
    private static final int EXECUTABLE_BUILD_OPTIONS = 3;
    // ExecutableBuildOptionsProto
    private static final int DEVICE_ORDINAL = 1, NUM_REPLICAS = 4, NUM_PARTITIONS = 5, DEVICE_ASSIGNMENT = 9;
    // DeviceAssignmentProto and its ComputationDevice
    private static final int REPLICA_COUNT = 1, COMPUTATION_COUNT = 2, COMPUTATION_DEVICES = 3,
            REPLICA_DEVICE_IDS = 1;

    /** Options that compile for the device with PJRT id {@code deviceId} alone. */
    static byte[] forDevice(int deviceId) {
        Proto computationDevice = new Proto().packedVarints(REPLICA_DEVICE_IDS, deviceId);
        Proto assignment = new Proto().varint(REPLICA_COUNT, 1).varint(COMPUTATION_COUNT, 1)
                .message(COMPUTATION_DEVICES, computationDevice);
        Proto build = new Proto().varint(DEVICE_ORDINAL, -1).varint(NUM_REPLICAS, 1).varint(NUM_PARTITIONS, 1)
                .message(DEVICE_ASSIGNMENT, assignment);
        return new Proto().message(EXECUTABLE_BUILD_OPTIONS, build).bytes();
    }

    /** Protocol buffers' wire format: varints (wire type 0) and length-delimited fields (wire type 2). */
    static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Proto packedVarints(int field, long... values) {
            Proto body = new Proto();
            for (long v : values) {
                body.raw(v);
            }
            return message(field, body);
        }

        Proto message(int field, Proto body) {
            byte[] b = body.bytes();
            raw(((long) field << 3) | 2);
            raw(b.length);
            out.writeBytes(b);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
