// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title AI Nomads agent marketplace
/// @notice Creators list agents with a price per run and payees; buyers purchase runs;
/// each payment is split at once into internal balances (the platform fee and each
/// payee's share) that their owners withdraw (pull payments).
interface IAgentMarketplace {
    /// @notice A payee of a listing and its share of the proceeds after the platform fee.
    struct Payee {
        address account;
        uint16 shareBps;
    }

    /// @notice Emitted when a creator registers a listing.
    event ListingRegistered(uint256 indexed listingId, address indexed creator, address indexed token, uint256 pricePerRun, Payee[] payees);
    /// @notice Emitted when a creator changes a listing's price, payees or availability.
    event ListingUpdated(uint256 indexed listingId, uint256 pricePerRun, Payee[] payees, bool active);
    /// @notice Emitted for every purchase; `amount` is exactly price × runs, in `token`.
    event Purchased(uint256 indexed purchaseId, uint256 indexed listingId, address indexed buyer, uint256 runs, uint256 amount, address token);
    /// @notice Emitted when an account withdraws its balance of a token.
    event Withdrawn(address indexed account, address indexed token, uint256 amount);
    /// @notice Emitted when the owner changes the platform fee.
    event FeeUpdated(uint16 feeBps);
    /// @notice Emitted when the owner changes who receives the platform fee.
    event FeeRecipientUpdated(address feeRecipient);
    /// @notice Purchases and listing changes stopped (true) or resumed (false); withdrawals never stop.
    event PausedSet(bool paused);
    /// @notice The owner suspended a listing (no purchases, whatever its creator sets) or lifted that.
    event ListingSuspended(uint256 indexed listingId, bool suspended);

    error InvalidPayees();
    error InvalidPrice();
    error InvalidRuns();
    error InvalidAddress();
    error FeeTooHigh(uint16 feeBps, uint16 maxFeeBps);
    error ListingNotFound(uint256 listingId);
    error ListingInactive(uint256 listingId);
    error NotListingCreator(uint256 listingId, address caller);
    error WrongPayment(uint256 expected, uint256 received);
    error FeeOnTransferToken(address token, uint256 expected, uint256 received);
    error NothingToWithdraw();
    error TransferFailed();
    error PriceAboveMaximum(uint256 amount, uint256 maxTotal);
    error MarketplacePaused();

    /// @notice Registers a listing. `token` is address(0) for the native token.
    /// @param payees Up to MAX_PAYEES distinct accounts whose shares sum to 10,000 bps.
    /// @return listingId The new listing's id (ids start at 1).
    function registerListing(address token, uint256 pricePerRun, Payee[] calldata payees) external returns (uint256 listingId);

    /// @notice Changes a listing; only its creator may. The payment token cannot change.
    function updateListing(uint256 listingId, uint256 pricePerRun, Payee[] calldata payees, bool active) external;

    /// @notice Buys `runs` runs of a listing, paying exactly price × runs: as msg.value for
    /// the native token, otherwise by transferFrom (approve first). Reverts when that is
    /// more than `maxTotal`, the total the buyer agreed to (a price raised while the
    /// purchase was pending). Fee-on-transfer tokens are refused, since the split must
    /// equal what arrived.
    /// @return purchaseId The purchase's id, used to rate the agent.
    function purchase(uint256 listingId, uint256 runs, uint256 maxTotal) external payable returns (uint256 purchaseId);

    /// @notice Pays out the caller's whole balance of `token`.
    function withdraw(address token) external returns (uint256 amount);

    /// @notice What `account` can withdraw in `token`.
    function balanceOf(address token, address account) external view returns (uint256);

    /// @notice Suspends a listing (owner only), e.g. an agent the platform took down: it
    /// cannot be bought, and its creator cannot make it available, until the suspension is
    /// lifted; it is then as available as its creator last set it. Setting the state it is
    /// already in does nothing.
    function setListingSuspended(uint256 listingId, bool suspended) external;

    /// @notice Whether the owner suspended a listing.
    function listingSuspended(uint256 listingId) external view returns (bool);

    /// @notice The buyer and listing of a purchase (zero buyer for an unknown id).
    function purchaseOf(uint256 purchaseId) external view returns (address buyer, uint256 listingId, uint256 runs);
}
