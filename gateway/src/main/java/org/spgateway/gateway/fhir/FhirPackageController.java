package org.spgateway.gateway.fhir;

import org.spgateway.ig.FhirPackage;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The gateway's FHIR NPM package for download ({@code GET /conformance/package.tgz}), so a GP-system supplier can load
 * the profiles into their own validator or tooling. Published material with no patient data: no login needed.
 */
@RestController
public class FhirPackageController {

    private final FhirPackage fhirPackage;

    public FhirPackageController(FhirPackage fhirPackage) {
        this.fhirPackage = fhirPackage;
    }

    @GetMapping("/conformance/package.tgz")
    public ResponseEntity<byte[]> download() {
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/gzip"))
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename(fhirPackage.fileName()).build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "public, max-age=3600")
                .body(fhirPackage.tgz());
    }
}
