package dev.lockstep.coordinator;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lockstep.proto.v1.DataCursor;
import dev.lockstep.proto.v1.StageCursor;
import java.util.stream.Collectors;

/** How the coordinator names a data position (a serialized {@code lockstep.v1.DataCursor}) in messages. */
final class DataPositions {
    private DataPositions() {}

    /** The stage positions, source first, e.g. {@code [[0, 96], [3]]}; the pipeline itself is left out. */
    static String describe(ByteString cursor) {
        try {
            DataCursor c = DataCursor.parseFrom(cursor);
            return c.getStagesList().stream().map(DataPositions::stage).collect(Collectors.joining(", ", "[", "]"));
        } catch (InvalidProtocolBufferException e) {
            return "an unreadable position (" + cursor.size() + " bytes)";
        }
    }

    private static String stage(StageCursor s) {
        return s.getValuesList().toString();
    }
}
