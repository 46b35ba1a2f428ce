/** Structural checks of PNG and JPEG files (CRCs, zlib streams, segments) before anything decodes them. */
package io.sluice.platform.images;
