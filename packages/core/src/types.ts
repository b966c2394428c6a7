/** [x1, y1, x2, y2] in pixels of the original, upright photo. */
export type Box = [number, number, number, number];

/** Five points, [x, y] each: eye image-left, eye image-right, nose tip, mouth corner image-left, image-right. */
export type Landmarks = [number, number][];

/** Interleaved RGB pixels, 8 bits per channel. */
export interface RgbImage {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** An upright RGB photo, possibly downscaled for analysis. */
export interface DecodedImage extends RgbImage {
  /** Size of the upright original photo. */
  originalWidth: number;
  originalHeight: number;
  /** originalWidth / width: maps analysed coordinates back to the original photo. */
  scale: number;
}

export interface DetectedFace {
  /** In pixels of the analysed image until mapped back by the pipeline. */
  box: Box;
  score: number;
  landmarks: Landmarks;
}

export interface FaceDetector {
  detect(image: DecodedImage): Promise<DetectedFace[]>;
}

/** Measures of how well a face can be recognised. */
export interface FaceQuality {
  /** Shorter side of the face box, in original-photo pixels. */
  size: number;
  /** Landmark misfit to the ArcFace template after alignment, as a fraction of the crop (turned faces: high). */
  alignmentError: number;
  /** Variance of the Laplacian over the aligned crop's centre (blurred faces: low). */
  sharpness: number;
  /** Embedding norm before normalisation (hard faces: low). */
  embeddingNorm: number;
}

export interface AnalysedFace extends DetectedFace {
  /** `<image key>#<index>`, stable for the same photo and configuration. */
  id: string;
  /** L2-normalised embedding. */
  embedding: Float32Array;
  quality: FaceQuality;
}

export interface AnalysedImage {
  /** How the caller names the photo (a path relative to the folder, an upload key, a URL key). */
  key: string;
  width: number;
  height: number;
  faces: AnalysedFace[];
  /** Set when the photo could not be analysed; faces is then empty. */
  error?: string;
}
