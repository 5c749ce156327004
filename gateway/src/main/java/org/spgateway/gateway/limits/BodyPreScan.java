package org.spgateway.gateway.limits;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * One streaming pass over a request body, before anything builds a tree from it: Jackson 2's {@link JsonParser}
 * with {@link StreamReadConstraints} for JSON, a StAX reader with DTDs and external entities off for XML. Memory is
 * constant and time linear in the body, whatever its shape. It refuses:
 * <ul>
 *   <li>nesting deeper than {@code max-nesting-depth} (deep documents overflow the stack of recursive parsers and the
 *       validator);</li>
 *   <li>a string, XML attribute value or text longer than {@code max-string-length}, a property or element name
 *       longer than {@code max-property-name-length}, a number longer than {@code max-number-length} or with an
 *       exponent beyond &plusmn;{@value #MAX_EXPONENT} ({@code 1e999999999} makes HAPI's JSON parser expand the
 *       number to a billion digits and run out of memory);</li>
 *   <li>duplicate JSON property names (two readers could disagree about which one counts), anything after the end of
 *       the document, and invalid UTF-8;</li>
 *   <li>any XML DOCTYPE: FHIR XML never needs one, and it is how external entities (XXE) and entity expansion
 *       ("billion laughs") get in;</li>
 *   <li>more than {@code max-elements} JSON values or XML elements and attributes (413), and on {@code /fhir} a
 *       Bundle with more than {@code max-bundle-entries} entries (413): both found by counting, before HAPI builds an
 *       object for each or the validator looks at each (its time grows faster than linearly with the number of
 *       problems it finds: a 60 KB array of 20,000 empty objects kept it busy for minutes);</li>
 *   <li>on {@code /fhir}, empty JSON objects and arrays and empty FHIR XML elements (422): never valid FHIR (ele-1), and
 *       the cheapest way to make the validator report thousands of problems.</li>
 * </ul>
 * Anything else that is malformed is refused too (400): the scan reads the whole document, so a syntax error found
 * here would be found later anyway, and refusing it here keeps the parser's message (which can quote the body) out
 * of the answer.
 */
public final class BodyPreScan {

    private static final String FHIR_NAMESPACE = "http://hl7.org/fhir";

    /** Largest decimal exponent accepted in a JSON number, either sign. */
    public static final int MAX_EXPONENT = 1000;

    /** The body formats the scan understands. */
    public enum Format { JSON, XML }

    /** Why a body is refused: the HTTP status, the OperationOutcome issue code, the problem kind, and the text. */
    public record Refusal(int status, IssueType issue, String kind, String title, String detail) {

        static Refusal malformed(String detail) {
            return new Refusal(400, IssueType.STRUCTURE, "malformed-body", "Malformed body", detail);
        }

        static Refusal tooCostly(String detail) {
            return new Refusal(400, IssueType.TOOCOSTLY, "limit-exceeded", "Body exceeds a limit", detail);
        }

        static Refusal tooLarge(String detail) {
            return new Refusal(413, IssueType.TOOCOSTLY, "too-large", "Request too large", detail);
        }

        static Refusal invalid(String detail) {
            return new Refusal(422, IssueType.INVALID, "invalid-body", "Invalid body", detail);
        }
    }

    private final LimitsProperties limits;
    private final int maxBundleEntries;
    private final JsonFactory json;
    private final XMLInputFactory xml;

    public BodyPreScan(LimitsProperties limits, int maxBundleEntries) {
        this.limits = limits;
        this.maxBundleEntries = maxBundleEntries;
        this.json = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxStringLength(limits.maxStringLength())
                        .maxNumberLength(limits.maxNumberLength())
                        .maxNameLength(limits.maxPropertyNameLength())
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        // The StAX implementation HAPI's XML parser also gets (it asks XMLInputFactory too), so both read alike.
        this.xml = XMLInputFactory.newFactory();
        xml.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        xml.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        xml.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        xml.setProperty(XMLInputFactory.IS_COALESCING, false);
        xml.setXMLResolver((publicId, systemId, base, namespace) -> {
            throw new XMLStreamException("external resources are not read");
        });
    }

    /**
     * The format to scan the body as: the one the Content-Type names, else the one its first character suggests
     * (HAPI guesses the same way when there is no Content-Type); null for an empty body or one that is neither.
     */
    public static Format formatOf(String contentType, byte[] body) {
        if (contentType != null) {
            String type = contentType.toLowerCase(Locale.ROOT);
            int semicolon = type.indexOf(';');
            if (semicolon >= 0) {
                type = type.substring(0, semicolon);
            }
            if (type.contains("json")) {
                return Format.JSON;
            }
            if (type.contains("xml")) {
                return Format.XML;
            }
        }
        int i = 0;
        if (body.length >= 3 && (body[0] & 0xff) == 0xef && (body[1] & 0xff) == 0xbb && (body[2] & 0xff) == 0xbf) {
            i = 3;
        }
        while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) {
            i++;
        }
        if (i == body.length) {
            return null;
        }
        return switch (body[i]) {
            case '{', '[' -> Format.JSON;
            case '<' -> Format.XML;
            default -> null;
        };
    }

    /**
     * Scans the body.
     *
     * @param fhir true on the FHIR endpoint, where Bundle entries are counted
     * @return why the body is refused, or null if it may go on to be parsed
     */
    public Refusal scan(byte[] body, Format format, boolean fhir) {
        return format == Format.JSON ? scanJson(body, fhir) : scanXml(body, fhir);
    }

    private Refusal scanJson(byte[] body, boolean fhir) {
        try (JsonParser parser = json.createParser(body)) {
            int depth = 0;
            boolean rootDone = false;
            String rootField = null;
            String resourceType = null;
            boolean inEntries = false;
            int entries = 0;
            int elements = 0;
            JsonToken previous = null;
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (rootDone) {
                    return Refusal.malformed("Unexpected content after the end of the JSON document" + at(parser));
                }
                if (inEntries && depth == 2 && token != JsonToken.END_ARRAY) {
                    entries++;
                }
                if (token.isStructStart() || token.isScalarValue()) {
                    elements++;
                    if (elements > limits.maxElements()) {
                        return tooManyElements();
                    }
                }
                if (fhir && ((token == JsonToken.END_OBJECT && previous == JsonToken.START_OBJECT)
                        || (token == JsonToken.END_ARRAY && previous == JsonToken.START_ARRAY))) {
                    return Refusal.invalid("Empty JSON objects and arrays are not allowed in FHIR (ele-1): leave the"
                            + " property out" + at(parser));
                }
                previous = token;
                switch (token) {
                    case START_OBJECT, START_ARRAY -> {
                        depth++;
                        if (depth == 2 && token == JsonToken.START_ARRAY && "entry".equals(rootField)) {
                            inEntries = true;
                        }
                    }
                    case END_OBJECT, END_ARRAY -> {
                        if (depth == 2) {
                            inEntries = false;
                        }
                        depth--;
                    }
                    case FIELD_NAME -> {
                        if (depth == 1) {
                            rootField = parser.currentName();
                        }
                    }
                    case VALUE_STRING -> {
                        // Completes the token, so Jackson checks its length and its UTF-8 (it skips unread strings).
                        int length = parser.getTextLength();
                        if (length > limits.maxStringLength()) {
                            return stringTooLong();
                        }
                        if (depth == 1 && "resourceType".equals(rootField)) {
                            resourceType = parser.getText();
                        }
                    }
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        Refusal number = checkNumber(parser);
                        if (number != null) {
                            return number;
                        }
                    }
                    default -> {
                        // true, false, null
                    }
                }
                if (depth == 0) {
                    rootDone = true;
                }
            }
            if (fhir && "Bundle".equals(resourceType) && entries > maxBundleEntries) {
                return tooManyEntries(entries);
            }
            return null;
        } catch (StreamConstraintsException e) {
            return constraint(e);
        } catch (JsonProcessingException e) {
            return malformedJson(e);
        } catch (IOException e) {
            return Refusal.malformed("The body could not be read as JSON");
        }
    }

    private Refusal checkNumber(JsonParser parser) throws IOException {
        String text = parser.getText();
        if (text.length() > limits.maxNumberLength()) {
            return Refusal.tooCostly("A number is longer than " + limits.maxNumberLength() + " characters" + at(parser));
        }
        int e = Math.max(text.indexOf('e'), text.indexOf('E'));
        if (e >= 0) {
            long exponent = 0; // saturating: a long run of exponent digits cannot overflow
            for (int i = e + 1; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c >= '0' && c <= '9') {
                    exponent = Math.min(exponent * 10 + (c - '0'), Integer.MAX_VALUE);
                }
            }
            if (exponent > MAX_EXPONENT) {
                return Refusal.tooCostly("A number has an exponent beyond \u00b1" + MAX_EXPONENT + at(parser));
            }
        }
        return null;
    }

    private Refusal scanXml(byte[] body, boolean fhir) {
        XMLStreamReader reader = null;
        try {
            reader = xml.createXMLStreamReader(new ByteArrayInputStream(body));
            int depth = 0;
            String root = null;
            int entries = 0;
            int elements = 0;
            long text = 0;
            // per open element: whether it has attributes, child elements or text yet (depth is bounded, so is this)
            boolean[] hasContent = new boolean[limits.maxNestingDepth() + 2];
            while (reader.hasNext()) {
                int event = reader.next();
                switch (event) {
                    case XMLStreamConstants.DTD -> {
                        return Refusal.malformed("DOCTYPE declarations are not allowed in FHIR XML (no DTDs, no entity"
                                + " declarations)" + at(reader.getLocation()));
                    }
                    case XMLStreamConstants.START_ELEMENT -> {
                        depth++;
                        text = 0;
                        if (depth > limits.maxNestingDepth()) {
                            return nestedTooDeep();
                        }
                        elements += 1 + reader.getAttributeCount();
                        if (elements > limits.maxElements()) {
                            return tooManyElements();
                        }
                        hasContent[depth - 1] = true;
                        hasContent[depth] = reader.getAttributeCount() > 0;
                        String name = reader.getLocalName();
                        if (name.length() > limits.maxPropertyNameLength()) {
                            return nameTooLong();
                        }
                        for (int i = 0; i < reader.getAttributeCount(); i++) {
                            if (reader.getAttributeLocalName(i).length() > limits.maxPropertyNameLength()) {
                                return nameTooLong();
                            }
                            if (reader.getAttributeValue(i).length() > limits.maxStringLength()) {
                                return stringTooLong();
                            }
                        }
                        if (depth == 1) {
                            root = name;
                        } else if (fhir && depth == 2 && "Bundle".equals(root) && "entry".equals(name)) {
                            entries++;
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        // FHIR element names start in lower case, resource names in upper case: an empty resource
                        // (<Patient/>) is valid, an empty element (<name/>) never is
                        String name = reader.getLocalName();
                        if (fhir && !hasContent[depth] && FHIR_NAMESPACE.equals(reader.getNamespaceURI())
                                && !name.isEmpty() && Character.isLowerCase(name.charAt(0))) {
                            return Refusal.invalid("Empty elements are not allowed in FHIR (ele-1): <" + name
                                    + "> has no value and no children" + at(reader.getLocation()));
                        }
                        depth--;
                        text = 0;
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE,
                            XMLStreamConstants.ENTITY_REFERENCE -> {
                        if (event == XMLStreamConstants.ENTITY_REFERENCE
                                || (event != XMLStreamConstants.SPACE && !reader.isWhiteSpace())) {
                            hasContent[depth] = true;
                        }
                        text += event == XMLStreamConstants.ENTITY_REFERENCE ? 1 : reader.getTextLength();
                        if (text > limits.maxStringLength()) {
                            return stringTooLong();
                        }
                    }
                    default -> {
                        // comments, processing instructions, document start and end
                    }
                }
            }
            if (entries > maxBundleEntries) {
                return tooManyEntries(entries);
            }
            return null;
        } catch (XMLStreamException | RuntimeException e) {
            Location location = e instanceof XMLStreamException x ? x.getLocation() : null;
            return Refusal.malformed("The body is not well-formed XML" + at(location));
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing held but memory
                }
            }
        }
    }

    private Refusal constraint(StreamConstraintsException e) {
        // Jackson's own limit messages, told apart by their stable opening words; ours never quote the body.
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().toLowerCase(Locale.ROOT);
        if (message.contains("nesting depth")) {
            return nestedTooDeep();
        }
        if (message.startsWith("string value length")) {
            return stringTooLong();
        }
        if (message.startsWith("number value length")) {
            return Refusal.tooCostly("A number is longer than " + limits.maxNumberLength() + " characters");
        }
        if (message.startsWith("name length")) {
            return nameTooLong();
        }
        return Refusal.tooCostly("The JSON document exceeds a size limit");
    }

    private static Refusal malformedJson(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String where = at(e.getLocation());
        if (message.startsWith("Duplicate field")) {
            return Refusal.malformed("A JSON object has the same property twice" + where);
        }
        if (message.startsWith("Invalid UTF-8")) {
            return Refusal.malformed("The body is not valid UTF-8" + where);
        }
        return Refusal.malformed("The body is not well-formed JSON" + where);
    }

    private Refusal nestedTooDeep() {
        return Refusal.tooCostly("The document is nested deeper than " + limits.maxNestingDepth() + " levels");
    }

    private Refusal stringTooLong() {
        return Refusal.tooCostly("A string value is longer than " + limits.maxStringLength() + " characters");
    }

    private Refusal nameTooLong() {
        return Refusal.tooCostly("A property name is longer than " + limits.maxPropertyNameLength() + " characters");
    }

    private Refusal tooManyElements() {
        return Refusal.tooLarge("The body has more than " + limits.maxElements() + " elements; send less in one request");
    }

    private Refusal tooManyEntries(int entries) {
        return Refusal.tooLarge("The Bundle has " + entries + " entries; at most " + maxBundleEntries
                + " are accepted in one request");
    }

    private static String at(JsonParser parser) {
        return at(parser.currentTokenLocation());
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String at(Location location) {
        return location == null || location.getLineNumber() < 0 ? ""
                : " (line " + location.getLineNumber() + ", column " + location.getColumnNumber() + ")";
    }
}
