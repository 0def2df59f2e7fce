/**
 * Training and evaluation of the classifier and the ResUNet segmenter (filled by the training issue).
 */
package dev.coilsight.trainer;
