package org.spgateway.mappings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a VCS event body: first against its v1 JSON Schema ({@link VcsSchemas}), then the rules a schema cannot
 * express (date-times must parse with an offset, a scale's total must equal the sum of its items, a service may
 * only cancel as the service). Every error names the failing field by JSON path.
 *
 * <p>Score ranges (ONS4 items 0-10, SWEMWBS items 1-5 and total 7-35, WEMWBS items 1-5 and total 14-70) are in the
 * schemas, so VCS developers can check them before posting.
 */
public final class VcsEventParser {
    private final ObjectMapper json = new ObjectMapper();

    /** Parses raw JSON text. */
    public VcsEvent parse(String body) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            // The parser's own message can quote the body; the body may hold patient data.
            throw new InvalidVcsEventException(List.of("$: not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
        return parse(node);
    }

    /** Validates and reads one event. */
    public VcsEvent parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidVcsEventException(List.of("$: must be a JSON object"));
        }
        JsonNode typeNode = body.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new InvalidVcsEventException(List.of("$.type: required, a string such as \"referral.accepted\""));
        }
        Optional<VcsEventType> type = VcsEventType.fromWireName(typeNode.asText());
        if (type.isEmpty()) {
            throw new InvalidVcsEventException(List.of("$.type: not an event a service can send; expected one of "
                    + java.util.Arrays.stream(VcsEventType.values()).map(VcsEventType::wireName).toList()));
        }
        List<String> errors = new ArrayList<>(VcsSchemas.validate(type.get().wireName(), body));
        if (!errors.isEmpty()) {
            throw new InvalidVcsEventException(errors);
        }

        Instant occurredAt = dateTime(body, "occurredAt", errors).map(OffsetDateTime::toInstant).orElse(null);
        OffsetDateTime appointmentAt = dateTime(body, "appointmentAt", errors).orElse(null);
        if (type.get() == VcsEventType.CANCELLED && body.has("cancelledBy")
                && !"service".equals(body.get("cancelledBy").asText())) {
            errors.add("$.cancelledBy: a service can only report its own cancellation (\"service\")");
        }
        VcsEvent.Outcomes outcomes = null;
        JsonNode outcomesNode = body.get("outcomes");
        if (outcomesNode != null) {
            JsonNode ons4 = outcomesNode.get("ons4");
            outcomes = new VcsEvent.Outcomes(
                    ons4 == null ? null : new VcsEvent.Ons4(ons4.get("lifeSatisfaction").asInt(),
                            ons4.get("worthwhile").asInt(), ons4.get("happiness").asInt(),
                            ons4.get("anxiety").asInt()),
                    scale(outcomesNode.get("swemwbs"), "$.outcomes.swemwbs", errors),
                    scale(outcomesNode.get("wemwbs"), "$.outcomes.wemwbs", errors),
                    text(outcomesNode, "goals"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidVcsEventException(errors);
        }
        JsonNode worker = body.get("linkWorker");
        return new VcsEvent(type.get(), body.get("referralId").asText(), occurredAt, text(body, "eventId"),
                text(body, "note"), text(body, "reason"), appointmentAt,
                worker == null ? null
                        : new VcsEvent.LinkWorker(worker.get("name").asText(), text(worker, "phone"),
                                text(worker, "email")),
                outcomes);
    }

    private static Optional<OffsetDateTime> dateTime(JsonNode body, String field, List<String> errors) {
        JsonNode node = body.get(field);
        if (node == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(node.asText()));
        } catch (DateTimeParseException e) {
            errors.add("$." + field + ": must be an ISO-8601 date-time with offset, e.g. 2026-11-21T14:30:00Z");
            return Optional.empty();
        }
    }

    private static VcsEvent.Scale scale(JsonNode node, String path, List<String> errors) {
        if (node == null) {
            return null;
        }
        List<Integer> items = new ArrayList<>();
        if (node.has("items")) {
            node.get("items").forEach(i -> items.add(i.asInt()));
        }
        int sum = items.stream().mapToInt(Integer::intValue).sum();
        if (node.has("total")) {
            int total = node.get("total").asInt();
            if (!items.isEmpty() && total != sum) {
                errors.add(path + ".total: " + total + " does not equal the sum of items (" + sum + ")");
            }
            return new VcsEvent.Scale(items, total);
        }
        return new VcsEvent.Scale(items, sum);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
