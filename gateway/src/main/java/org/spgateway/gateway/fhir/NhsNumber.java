package org.spgateway.gateway.fhir;

/**
 * NHS number check: ten digits whose last is the modulus-11 check digit of the first nine
 * (https://www.datadictionary.nhs.uk/attributes/nhs_number.html).
 */
public final class NhsNumber {

    public static final String SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

    private NhsNumber() {
    }

    /** True when the value is exactly ten digits and its check digit is right. */
    public static boolean isValid(String value) {
        if (value == null || value.length() != 10) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 10; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            if (i < 9) {
                sum += (c - '0') * (10 - i);
            }
        }
        int check = 11 - (sum % 11);
        if (check == 11) {
            check = 0;
        }
        return check != 10 && check == value.charAt(9) - '0';
    }

    /**
     * A random number starting with 9 (the range NHS England keeps for testing) with a valid check digit: eight
     * random digits after the 9, drawn again when the check digit would be 10.
     */
    public static String randomTestNumber(java.util.random.RandomGenerator random) {
        while (true) {
            StringBuilder s = new StringBuilder("9");
            int sum = 9 * 10;
            for (int i = 1; i < 9; i++) {
                int d = random.nextInt(10);
                s.append(d);
                sum += d * (10 - i);
            }
            int check = 11 - sum % 11;
            if (check != 10) {
                return s.append(check == 11 ? 0 : check).toString();
            }
        }
    }
}
