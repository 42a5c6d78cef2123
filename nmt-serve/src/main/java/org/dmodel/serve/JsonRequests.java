package org.dmodel.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads request bodies strictly: UTF-8, one JSON object, known fields, typed values within limits. Stateless. */
final class JsonRequests {
    private JsonRequests() {}

    /** The body as a JSON object; 400 for invalid UTF-8, malformed JSON, trailing data or a non-object. */
    static JsonObject object(byte[] body) {
        if (body.length == 0) {
            throw new ApiError(400, "the request body is empty; send a JSON object, e.g. {\"text\": \"Hello.\"}");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new ApiError(400, "the request body is not valid UTF-8");
        }
        JsonElement root;
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT); // Gson's default leniency would accept 'text: hi'
            root = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new ApiError(400, "malformed JSON: data after the object");
            }
        } catch (JsonParseException | IOException | IllegalStateException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e; // Gson wraps the reader's exception
            throw new ApiError(400, "malformed JSON: " + firstLine(cause.getMessage()));
        }
        if (!root.isJsonObject()) {
            throw new ApiError(400, "the body must be a JSON object, e.g. {\"text\": \"Hello.\"}");
        }
        return root.getAsJsonObject();
    }

    private static String firstLine(String message) {
        String line = message == null ? "cannot parse" : message.lines().findFirst().orElse("cannot parse");
        return line.replaceFirst("\\s*See https?://\\S+$", ""); // Gson appends a troubleshooting link
    }

    /** 400 when {@code o} has a field outside {@code allowed}. */
    static void onlyFields(JsonObject o, Set<String> allowed) {
        for (String key : o.keySet()) {
            if (!allowed.contains(key)) {
                throw new ApiError(400, "unknown field \"" + key + "\"; accepted: " + String.join(", ",
                        allowed.stream().sorted().toList()));
            }
        }
    }

    /** The texts in {@code value} (a string or an array of strings) of field {@code field}, checked against the limits. */
    static List<String> texts(JsonElement value, String field, Limits limits) {
        List<String> texts = new ArrayList<>();
        if (value.isJsonArray()) {
            JsonArray a = value.getAsJsonArray();
            if (a.size() > limits.maxTexts()) {
                throw new ApiError(413, "too many texts: " + a.size() + " in \"" + field + "\", the limit is "
                        + limits.maxTexts(), "max-texts");
            }
            for (int i = 0; i < a.size(); i++) {
                texts.add(string(a.get(i), field + "[" + i + "]", limits));
            }
        } else {
            texts.add(string(value, field, limits));
        }
        return texts;
    }

    private static String string(JsonElement e, String field, Limits limits) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new ApiError(400, "\"" + field + "\" must be a string");
        }
        String s = e.getAsString();
        int chars = s.codePointCount(0, s.length());
        if (chars > limits.maxChars()) {
            throw new ApiError(413, "\"" + field + "\" has " + chars + " characters, the limit is " + limits.maxChars(),
                    "max-chars");
        }
        return s;
    }

    /** An optional whole-number field in {@code [min, max]}, else {@code fallback}. */
    static int integer(JsonObject o, String field, int min, int max, int fallback) {
        JsonElement e = o.get(field);
        if (e == null) {
            return fallback;
        }
        double x = number(e, field);
        if (x != Math.rint(x) || x < min || x > max) {
            throw new ApiError(400, "\"" + field + "\" must be a whole number from " + min + " to " + max + ", got "
                    + e);
        }
        return (int) x;
    }

    /** An optional number field in {@code [min, max]}, else {@code fallback}. */
    static double decimal(JsonObject o, String field, double min, double max, double fallback) {
        JsonElement e = o.get(field);
        if (e == null) {
            return fallback;
        }
        double x = number(e, field);
        if (!(x >= min && x <= max)) {
            throw new ApiError(400, "\"" + field + "\" must be a number from " + min + " to " + max + ", got " + e);
        }
        return x;
    }

    private static double number(JsonElement e, String field) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new ApiError(400, "\"" + field + "\" must be a number, got " + e);
        }
        return e.getAsDouble();
    }

    /** An optional string field, else {@code fallback}. */
    static String string(JsonObject o, String field, String fallback) {
        JsonElement e = o.get(field);
        if (e == null) {
            return fallback;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new ApiError(400, "\"" + field + "\" must be a string");
        }
        return e.getAsString();
    }
}
