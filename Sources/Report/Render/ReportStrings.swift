// MARK: - The page's words, in Japanese and English

/// Every label on the page in both languages. The users are Japanese care businesses (介護事業所);
/// English is for the vendors and labs they share the page with. Figures and reader names are
/// never translated: readers are named as they report themselves.
public struct ReportStrings: Sendable {
    public let language: ReportLanguage

    public init(_ language: ReportLanguage) { self.language = language }

    private func t(_ ja: String, _ en: String) -> String { language == .ja ? ja : en }

    var title: String { t("カードリーダー性能レポート（マイナンバーカード資格確認）", "Card reader report: My Number Card qualification check") }
    var verdict: String { t("結論", "Verdict") }
    var ranking: String { t("速さの順位", "Ranking by speed") }
    func rankingIntro(_ metric: String) -> String {
        t(
            "資格確認（1回の読み取り全体）の\(metric)で順位付けしています。差が誤差の範囲内のリーダーは同順位です。",
            "Readers are ranked on the \(metric) of the whole qualification check. Readers whose difference is within the noise share a rank."
        )
    }
    var warm: String { t("連続読み取り（ウォーム）", "Repeat read (warm)") }
    var cold: String {
        t("初回読み取り（コールド：カードを置いた／挿した直後）", "First read (cold: right after the card is tapped or inserted)")
    }
    func modeName(_ mode: String) -> String { mode == "cold" ? cold : mode == "warm" ? warm : mode }
    func modeShort(_ mode: String) -> String {
        mode == "cold" ? t("コールド", "cold") : mode == "warm" ? t("ウォーム", "warm") : mode
    }
    var rank: String { t("順位", "Rank") }
    var reader: String { t("リーダー", "Reader") }
    var modelKey: String { t("機種キー", "Model key") }
    var run: String { t("測定", "Run") }
    var samples: String { t("回数", "n") }
    var tie: String { t("同順位", "tie") }
    var failures: String { t("失敗率", "Failure rate") }
    var failuresIntro: String {
        t(
            "測定したうち失敗した読み取りの割合と、その95%信頼区間（Wilson）。0回の失敗でも上限は0%になりません。",
            "Share of measured reads that failed, with its 95% confidence interval (Wilson). No failures still leaves an upper bound above 0%."
        )
    }
    var failed: String { t("失敗", "Failed") }
    var measured: String { t("測定回数", "Measured") }
    var interval: String { t("95%信頼区間", "95% interval") }
    var causes: String { t("原因", "Causes") }
    var coldStart: String { t("初回読み取りの遅さ", "Cold start") }
    var coldIntro: String {
        t(
            "カードを置いた（挿した）直後の最初の読み取り。電源投入とATR・通信条件の取り決めを含みます。",
            "The first read after the card is tapped or inserted: it includes power-up, the ATR and protocol negotiation."
        )
    }
    var coldMedian: String { t("コールド中央値", "Cold median") }
    var warmMedian: String { t("ウォーム中央値", "Warm median") }
    var coldExtra: String { t("コールドの追加時間", "Cold penalty") }
    var connectMedian: String { t("接続（電源投入）中央値", "Connect (power-up) median") }
    var taps: String { t("カード検出時間（タップ）", "Tap detection") }
    var tapsIntro: String {
        t(
            "カードがかざされたことをPC/SCが通知してから接続完了までの時間。",
            "From PC/SC's card-present event to a connected card.")
    }
    var tried: String { t("試行", "Taps") }
    var succeeded: String { t("成功", "Succeeded") }
    var detection: String { t("検出", "Detection") }
    var real: String { t("差は本物か", "Are the differences real?") }
    var notAssessed: String {
        t(
            "統計的な比較（compare）は、このビルドでは利用できません。順位は付けず、全リーダーを同順位として表示しています。差が本物かどうかは判定していません。",
            "The statistical comparison (compare) is not available in this build: no reader is ranked above another, and whether the differences are real was not assessed."
        )
    }
    var assessedBy: String { t("判定方法", "Method") }
    var versus: String { t("比較", "Comparison") }
    var verdictWord: String { t("判定", "Verdict") }
    var reason: String { t("根拠", "Reason") }
    func pairVerdict(_ verdict: PairVerdict) -> String {
        switch verdict {
        case .faster: t("速い", "faster")
        case .slower: t("遅い", "slower")
        case .same: t("同等", "same")
        case .inconclusive: t("判定不能", "inconclusive")
        }
    }
    var fastestNone: String { t("どのリーダーも他より明確に速いとは言えません。", "No reader is clearly faster than the others.") }
    func fastestOne(_ name: String) -> String {
        t("最速：\(name)（他のすべてより明確に速い）", "Fastest: \(name) (clearly faster than every other reader)")
    }
    func fastestTie(_ names: String) -> String {
        t("最速グループ（差は誤差の範囲内）：\(names)", "Fastest group (differences within the noise): \(names)")
    }

    var modelledBannerTitle: String { t("モデル値：実機のリーダーの速さではありません", "MODELLED: not a reader's own speed") }
    var modelledBannerAll: String {
        t(
            "このレポートの数値はすべて、模擬カード（タイミングモデル）または記録の再生によるものです。実際のカードリーダーの性能として使わないでください。",
            "Every number in this report comes from a simulated card (a timing model) or a replayed recording. Do not use them as any reader's speed."
        )
    }
    var modelledBannerSome: String {
        t(
            "「モデル値」と表示された行は模擬カードまたは記録の再生によるもので、実機の順位には入れていません。",
            "Rows marked MODELLED come from a simulated card or a replayed recording; they are ranked apart from the real readers."
        )
    }
    var modelledBadge: String { t("モデル値", "MODELLED") }
    var measuredBadge: String { t("実測", "measured") }
    var modelledRanking: String { t("モデル値の順位（参考：実機ではありません）", "Ranking of the models (for reference: not readers)") }

    var pictures: String { t("図", "Charts") }
    var ecdf: String { t("累積分布（ECDF、時間は対数軸）", "ECDF of the check (log time axis)") }
    var spectrum: String { t("パーセンタイル・スペクトル（横軸 1/(1−p)）", "Percentile spectrum (1/(1−p) axis)") }
    var phases: String { t("段階ごとの中央値（積み上げ、ひげは90パーセンタイル）", "Phases: stacked medians with p90 whiskers") }
    var kinds: String { t("APDU種別ごとの中央値", "Median per APDU kind") }
    var order: String { t("実行順の散布図（ドリフト・ウォームアップ・熱の影響）", "Run order (drift, warm-up, thermal effects)") }
    var histogram: String { t("ヒストグラム（件数は対数）", "Histogram (log counts)") }
    var trend: String { t("履歴の推移", "History trend") }
    func trendCaption(_ model: String, _ metric: String, _ mode: String) -> String {
        t(
            "\(model) の\(metric)（\(modeShort(mode))）、測定ごと。▲は変化点。",
            "\(model): \(metric) (\(mode)) per run. ▲ marks a change point.")
    }
    var changeAt: String { t("変化点", "Change point") }
    var time: String { t("時間", "time") }
    var share: String { t("割合", "share") }
    var iteration: String { t("測定開始からの経過時間", "time since the run started") }
    var count: String { t("件数", "count") }
    var failedMark: String { t("×＝失敗", "× = failed") }

    var conditions: String { t("測定条件", "Conditions") }
    var conditionsIntro: String {
        t(
            "数値はこの環境での測定です。OS、pcsc-lite、ドライバ、ファームウェアが違えば結果も変わります。",
            "The numbers hold for these conditions: another OS, pcsc-lite, driver or firmware may give others.")
    }
    var os: String { "OS" }
    var kernel: String { t("カーネル", "Kernel") }
    var cpu: String { "CPU" }
    var pcscLite: String { "pcsc-lite" }
    var openSSL: String { "OpenSSL" }
    var tool: String { "readerbench" }
    var started: String { t("開始", "Started") }
    var scenario: String { t("シナリオ", "Scenario") }
    var iterations: String { t("反復", "Iterations") }
    var schedule: String { t("順番", "Schedule") }
    var complete: String { t("完了", "Complete") }
    var yes: String { t("はい", "yes") }
    var no: String { t("いいえ（途中で停止：終了した反復のみ）", "no (stopped early: finished iterations only)") }
    var firmware: String { t("ファームウェア", "Firmware") }
    var driver: String { t("ドライバ", "Driver") }
    var usb: String { "USB" }
    var capabilities: String { t("能力", "Capabilities") }
    var card: String { t("カード", "Card") }
    var atr: String { "ATR" }
    var interface: String { t("インターフェース", "Interface") }
    var measures: String { t("測定対象", "What was measured") }
    var profile: String { t("タイミングプロファイル（モデル）", "Timing profile (model)") }
    var calibration: String { t("ホストの較正（誤差の目安）", "Host calibration (error bars)") }
    var floor: String { t("往復の下限（即答カード）", "Round-trip floor (instant card)") }
    var overhead: String { t("計測のオーバーヘッド／APDU", "Instrumentation per APDU") }
    var busyOverhead: String { t("カード処理中の追加時間", "Added while the card is busy") }
    var aaNoise: String { t("同一条件2回の差（A/Aノイズ、最大）", "A/A noise (largest of two identical runs)") }
    var calibrationOrigin: String { t("較正の出所", "Calibration from") }
    var noCalibration: String { t("較正なし：誤差の目安が示せません。", "No calibration: the error bars are unknown.") }
    var unknown: String { t("不明", "unknown") }
    var notes: String { t("注記", "Notes") }
    var generated: String { t("作成", "Generated") }
    var dataNote: String {
        t("このファイルには測定データが埋め込まれています（オフラインで開けます）。", "The measured data are embedded in this file (it opens offline).")
    }
}
