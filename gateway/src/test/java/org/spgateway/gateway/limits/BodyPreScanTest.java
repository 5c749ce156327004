package org.spgateway.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.limits.BodyPreScan.Format;
import org.spgateway.gateway.limits.BodyPreScan.Refusal;

/** The pre-scan on its own: each limit at its boundary, for JSON and XML. */
class BodyPreScanTest {

    private static final int DEPTH = 64;
    private static final int STRING = 2048;
    private static final int ELEMENTS = 2000;
    private final BodyPreScan scan = new BodyPreScan(new LimitsProperties(DEPTH, STRING, 64, 128, ELEMENTS), 100);

    private Refusal json(String body) {
        return scan.scan(body.getBytes(StandardCharsets.UTF_8), Format.JSON, true);
    }

    private Refusal xml(String body) {
        return scan.scan(body.getBytes(StandardCharsets.UTF_8), Format.XML, true);
    }

    /** A Patient whose extension nests objects until the document is {@code depth} deep. */
    private static String nestedJson(int depth) {
        // the root object is level 1, "extension": [ level 2, { level 3 ...
        StringBuilder b = new StringBuilder("{\"resourceType\":\"Patient\"");
        int levels = depth - 1;
        for (int i = 0; i < levels; i++) {
            b.append(i % 2 == 0 ? ",\"extension\":[" : "{\"url\":\"x\"");
        }
        if ((levels - 1) % 2 == 0) {
            b.append("1"); // no empty array innermost: that would be refused for emptiness
        }
        for (int i = levels - 1; i >= 0; i--) {
            b.append(i % 2 == 0 ? "]" : "}");
        }
        return b.append('}').toString();
    }

    private static String nestedXml(int depth) {
        StringBuilder b = new StringBuilder("<Patient xmlns=\"http://hl7.org/fhir\">");
        b.append("<extension url=\"x\">".repeat(depth - 1));
        b.append("</extension>".repeat(depth - 1));
        return b.append("</Patient>").toString();
    }

    @Test
    void theExampleReferralBundlePassesInJsonAndXml() throws Exception {
        String bundle = Files.readString(Path.of("../docs/examples/referral-bundle.json"));
        assertThat(json(bundle)).isNull();
        var ctx = ca.uhn.fhir.context.FhirContext.forR4Cached();
        assertThat(xml(ctx.newXmlParser().encodeResourceToString(ctx.newJsonParser().parseResource(bundle)))).isNull();
    }

    @Test
    void nestingIsRefusedOneLevelPastTheLimit() {
        assertThat(json(nestedJson(DEPTH))).isNull();
        Refusal refusal = json(nestedJson(DEPTH + 1));
        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.issue()).isEqualTo(IssueType.TOOCOSTLY);
        assertThat(refusal.detail()).contains("nested deeper than 64");
        assertThat(xml(nestedXml(DEPTH))).isNull();
        assertThat(xml(nestedXml(DEPTH + 1)).detail()).contains("nested deeper than 64");
    }

    @Test
    void aHundredThousandLevelsAreRefusedWithoutStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThat(json(deep).detail()).contains("nested deeper");
    }

    @Test
    void stringsAreRefusedOneCharacterPastTheLimit() {
        assertThat(json("{\"resourceType\":\"Patient\",\"id\":\"" + "a".repeat(STRING) + "\"}")).isNull();
        assertThat(json("{\"resourceType\":\"Patient\",\"id\":\"" + "a".repeat(STRING + 1) + "\"}").detail())
                .contains("string value is longer than 2048");
        // escapes count as the characters they stand for
        assertThat(json("{\"a\":\"" + "\\u0041".repeat(STRING + 1) + "\"}")).isNotNull();
        assertThat(xml("<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"" + "a".repeat(STRING) + "\"/></Patient>")).isNull();
        assertThat(xml("<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"" + "a".repeat(STRING + 1) + "\"/></Patient>")
                .detail()).contains("longer than 2048");
        assertThat(xml("<Patient xmlns=\"http://hl7.org/fhir\"><text><div xmlns=\"http://www.w3.org/1999/xhtml\">"
                + "a".repeat(STRING + 1) + "</div></text></Patient>").detail()).contains("longer than 2048");
    }

    @Test
    void longNamesAreRefused() {
        assertThat(json("{\"" + "n".repeat(128) + "\":1}")).isNull();
        assertThat(json("{\"" + "n".repeat(129) + "\":1}").detail()).contains("property name is longer than 128");
        assertThat(xml("<" + "n".repeat(129) + "/>").detail()).contains("property name is longer than 128");
    }

    @Test
    void hugeNumbersAreRefusedByLengthAndByExponent() {
        assertThat(json("{\"v\":" + "9".repeat(64) + "}")).isNull();
        assertThat(json("{\"v\":" + "9".repeat(65) + "}").detail()).contains("number is longer than 64");
        assertThat(json("{\"v\":1." + "9".repeat(70) + "}")).isNotNull();
        assertThat(json("{\"v\":1e1000}")).isNull();
        assertThat(json("{\"v\":1e-1000}")).isNull();
        assertThat(json("{\"v\":1e1001}").detail()).contains("exponent beyond");
        assertThat(json("{\"v\":-2.5E-999999999}").detail()).contains("exponent beyond");
        assertThat(json("{\"v\":1e99999999999999999999999999}")).isNotNull();
    }

    @Test
    void duplicatePropertiesTrailingContentAndBadUtf8AreMalformed() {
        Refusal duplicate = json("{\"resourceType\":\"Patient\",\"gender\":\"male\",\"gender\":\"female\"}");
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.issue()).isEqualTo(IssueType.STRUCTURE);
        assertThat(duplicate.detail()).contains("same property twice").doesNotContain("gender");
        assertThat(json("{\"resourceType\":\"Patient\"} {\"resourceType\":\"Patient\"}").detail()).contains("after the end");
        byte[] badUtf8 = "{\"resourceType\":\"Patient\",\"id\":\"ab\"}".getBytes(StandardCharsets.UTF_8);
        badUtf8[34] = (byte) 0xC3; // a two-byte lead followed by an ASCII letter
        assertThat(scan.scan(badUtf8, Format.JSON, true).detail()).contains("not valid UTF-8");
        assertThat(json("{\"resourceType\":\"Patient\", \"name\": [Smith]}").detail())
                .contains("not well-formed JSON").doesNotContain("Smith");
    }

    private static String bundleJson(int entries, boolean typeLast) {
        StringBuilder b = new StringBuilder("{");
        if (!typeLast) {
            b.append("\"resourceType\":\"Bundle\",");
        }
        b.append("\"type\":\"transaction\",\"entry\":[");
        for (int i = 0; i < entries; i++) {
            b.append(i == 0 ? "" : ",").append("{\"resource\":{\"resourceType\":\"Patient\",\"entry\":[1,2,3]}}");
        }
        b.append(']');
        if (typeLast) {
            b.append(",\"resourceType\":\"Bundle\"");
        }
        return b.append('}').toString();
    }

    private static String bundleXml(int entries) {
        return "<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"transaction\"/>"
                + "<entry><resource><Patient><active value=\"true\"/></Patient></resource></entry>".repeat(entries)
                + "</Bundle>";
    }

    @Test
    void bundlesOverTheEntryLimitAre413WhereverResourceTypeIs() {
        assertThat(json(bundleJson(100, false))).isNull();
        assertThat(json(bundleJson(100, true))).isNull();
        Refusal refusal = json(bundleJson(101, true));
        assertThat(refusal.status()).isEqualTo(413);
        assertThat(refusal.issue()).isEqualTo(IssueType.TOOCOSTLY);
        assertThat(refusal.detail()).contains("101 entries; at most 100");
        assertThat(json(bundleJson(101, false)).status()).isEqualTo(413);
        assertThat(xml(bundleXml(100))).isNull();
        assertThat(xml(bundleXml(101)).status()).isEqualTo(413);
        // entries are counted on /fhir only: VCS JSON has no Bundles
        assertThat(scan.scan(bundleJson(101, false).getBytes(StandardCharsets.UTF_8), Format.JSON, false)).isNull();
    }

    @Test
    void anyDoctypeIsRefusedSoNoEntityIsEverDeclared() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"file:///etc/hostname\">]>"
                + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&xxe;\"/></name></Patient>";
        Refusal refusal = xml(xxe);
        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.detail()).contains("DOCTYPE");
        StringBuilder lol = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i <= 9; i++) {
            lol.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">");
        }
        lol.append("]><Patient xmlns=\"http://hl7.org/fhir\"><id value=\"&lol9;\"/></Patient>");
        assertThat(xml(lol.toString()).detail()).contains("DOCTYPE");
        assertThat(xml("<!DOCTYPE Patient SYSTEM \"http://127.0.0.1:1/evil.dtd\"><Patient xmlns=\"http://hl7.org/fhir\"/>")
                .detail()).contains("DOCTYPE");
        assertThat(xml("<Patient xmlns=\"http://hl7.org/fhir\"><name>").detail()).contains("not well-formed XML");
    }

    @Test
    void theFormatComesFromTheContentTypeElseFromTheFirstCharacter() {
        byte[] json = " \n{}".getBytes(StandardCharsets.UTF_8);
        byte[] xml = "<a/>".getBytes(StandardCharsets.UTF_8);
        assertThat(BodyPreScan.formatOf("application/fhir+json; charset=utf-8", xml)).isEqualTo(Format.JSON);
        assertThat(BodyPreScan.formatOf("application/fhir+xml", json)).isEqualTo(Format.XML);
        assertThat(BodyPreScan.formatOf(null, json)).isEqualTo(Format.JSON);
        assertThat(BodyPreScan.formatOf("text/plain", xml)).isEqualTo(Format.XML);
        assertThat(BodyPreScan.formatOf(null, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '['})).isEqualTo(Format.JSON);
        assertThat(BodyPreScan.formatOf("text/plain", "hello".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(BodyPreScan.formatOf(null, new byte[0])).isNull();
    }

    @Test
    void elementsAreCountedAndRefusedPastTheLimit() {
        // the root object, "resourceType" and the array are 3 values; each item 1 more
        String withItems = "{\"resourceType\":\"Patient\",\"x\":[" + String.join(",", java.util.Collections.nCopies(ELEMENTS - 3, "1")) + "]}";
        assertThat(json(withItems)).isNull();
        Refusal refusal = json(withItems.replace("[1,", "[1,1,"));
        assertThat(refusal.status()).isEqualTo(413);
        assertThat(refusal.detail()).contains("more than 2000 elements");
        // XML: the root element, then an element and an attribute per item
        String xmlItems = "<Patient xmlns=\"http://hl7.org/fhir\">" + "<active value=\"true\"/>".repeat((ELEMENTS - 1) / 2)
                + "</Patient>";
        assertThat(xml(xmlItems)).isNull();
        assertThat(xml(xmlItems.replace("<Patient xmlns=\"http://hl7.org/fhir\">",
                "<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\"/>")).status()).isEqualTo(413);
    }

    @Test
    void emptyFhirObjectsArraysAndElementsAre422ButNotForVcsNorForResourcesOrXhtml() {
        Refusal emptyObject = json("{\"resourceType\":\"Patient\",\"name\":[{}]}");
        assertThat(emptyObject.status()).isEqualTo(422);
        assertThat(emptyObject.issue()).isEqualTo(IssueType.INVALID);
        assertThat(emptyObject.detail()).contains("Empty JSON objects and arrays");
        assertThat(json("{\"resourceType\":\"Patient\",\"name\":[]}").status()).isEqualTo(422);
        assertThat(scan.scan("{\"type\":\"x\",\"a\":{},\"b\":[]}".getBytes(StandardCharsets.UTF_8), Format.JSON, false)).isNull();
        assertThat(xml("<Patient xmlns=\"http://hl7.org/fhir\"><name/></Patient>").detail()).contains("<name> has no value");
        assertThat(xml("<Patient xmlns=\"http://hl7.org/fhir\"><name>  </name></Patient>")).isNotNull();
        assertThat(xml("<Patient xmlns=\"http://hl7.org/fhir\"/>")).isNull();
        assertThat(xml("<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"transaction\"/><entry><resource><Patient/></resource>"
                + "</entry></Bundle>")).isNull();
        assertThat(xml("<Patient xmlns=\"http://hl7.org/fhir\"><text><status value=\"generated\"/>"
                + "<div xmlns=\"http://www.w3.org/1999/xhtml\">a<br/>b</div></text></Patient>")).isNull();
    }
}
