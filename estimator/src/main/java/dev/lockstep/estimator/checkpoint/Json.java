package dev.lockstep.estimator.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON configuration for the files Lockstep writes (checkpoints, exports): strict on read, so a
 * damaged file cannot half-parse. Public only through {@link #pretty}; the mapper itself stays here.
 */
public final class Json {
    /** Configured once, never mutated afterwards; Jackson mappers are thread-safe in that state. */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();

    private Json() {
    }

    /** {@code value} as indented JSON (Jackson's default pretty printer), without a trailing newline. */
    public static String pretty(Object value) throws JsonProcessingException {
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    }

    /**
     * Decodes strict UTF-8. Jackson would sniff UTF-16/32 from raw bytes, and safetensors headers must
     * be UTF-8, so the bytes are decoded here and Jackson only ever sees a String.
     */
    static String utf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }
}
