import Fluent

/// Every migration, in order. Append only: never edit or reorder one that has landed.
public enum StoreMigrations {
    public static let all: [any Migration] = [
        CreateCases(),
        CreatePersons(),
        CreateIncidents(),
        CreateLifecycleRecords(),
        CreateRecordVersions(),
        AddIndexes(),
        CreateIdentity(),
        AddRecordSequenceIndex(),
        CreateMonitoring(),
        CreateAuditChain(),
        CreateEvidence(),
        DropRedundantPingIndex(),
        CreatePingJournal(),
        AddRecordRefIndex(),
        CreateSearchIndex(),
        CreateWorklists(),
        CreateDiaryDrafts(),
        CreateAlertDelivery(),
        CreatePushSubscriptions(),
        CreateNotices(),
        AddDeliveryReceipts(),
        AddPaymentFigures(),
        AddPaymentDocument(),
        CreateInstanceLeases(),
        CreateSecondFactors(),
        CreateAuditVerifications(),
        CreateUnits(),
        AddPaymentCourt(),
        CreateIncidentErrors(),
        DropTrackCaseReference(),
    ]
}
