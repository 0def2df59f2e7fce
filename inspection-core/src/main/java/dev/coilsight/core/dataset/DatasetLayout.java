package dev.coilsight.core.dataset;

/** The two folder layouts of labelled images that Coilsight reads. */
public enum DatasetLayout {
    /** Kaggle Severstal: {@code train.csv} (RLE per image and class) + {@code train_images/}; images without rows are defect-free. */
    SEVERSTAL,
    /** {@code images/} + {@code masks/} label PNGs whose pixel values are class ids (0 = background), e.g. NEU-Seg. */
    MASK_FOLDER
}
