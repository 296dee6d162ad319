package dev.weaktr.cam;

import dev.weaktr.nn.VitConfig;

/**
 * Everything that fixes the CAM network's parameters and forward pass.
 *
 * @param backbone ViT shape (preset)
 * @param numClasses C, foreground classes (= class tokens; no background token)
 * @param fusion attention fusion name ({@link AttentionFusion#NAMES})
 * @param aaf AAF hyper-parameters (ignored by parameter-free fusions)
 */
public record CamNetConfig(VitConfig backbone, int numClasses, String fusion, AafConfig aaf) {}
